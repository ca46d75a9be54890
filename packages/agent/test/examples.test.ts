import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@wanwatch/agent';

const example = (path: string) => fileURLToPath(new URL(`../../../examples/${path}`, import.meta.url));

describe('the example configs', () => {
  it('are valid, for linux and for the simulated platform', () => {
    const linux = loadConfig(example('linux/wanwatch.yaml'));
    assert.equal(linux.platform, 'linux');
    assert.deepEqual(linux.uplinks[1]!.targets, [
      '192.0.2.10',
      'tcp:192.0.2.10:443',
      '203.0.113.7',
      'tcp:203.0.113.7:443',
    ]);
    assert.equal(loadConfig(example('simulated/wanwatch.yaml')).platform, 'simulated');
  });

  it('the systemd unit is valid, waits for readiness, reloads with SIGHUP, restarts on failure and keeps the network capabilities', () => {
    const unit = readFileSync(example('linux/wanwatch.service'), 'utf8');
    const verify = spawnSync('systemd-analyze', ['verify', example('linux/wanwatch.service')], { encoding: 'utf8' });
    assert.equal(verify.status, 0, verify.stderr);
    assert.equal(verify.stderr, '');
    assert.match(unit, /^Type=notify$/m);
    assert.match(unit, /^NotifyAccess=all$/m);
    assert.match(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    assert.match(unit, /^Restart=on-failure$/m);
    assert.match(unit, /^CapabilityBoundingSet=.*CAP_NET_ADMIN.*$/m);
    assert.match(unit, /^AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW$/m);
  });
});
