import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { createPlatform, loadConfig, parseConfig } from '@wanwatch/agent';
import { CarpRoleSource, OpnsenseAdapter } from '@wanwatch/opnsense';
import { configErrors } from '../support/config-errors.js';

const FILE = '/usr/local/etc/wanwatch/wanwatch.yaml';
const example = (path: string) => fileURLToPath(new URL(`../../../../examples/${path}`, import.meta.url));
const UPLINKS = `uplinks:
  - name: fiber
    interface: igc1
    targets: [192.0.2.10]
  - name: lte
    interface: igc2
    targets: [192.0.2.10]
`;

const errors = (text: string): string[] => configErrors(text, FILE);

const logger = { warn: () => undefined };

describe('the opnsense platform in the agent config', () => {
  it('loads the OPNsense examples: singleton with CARP, and gateway mode', () => {
    const ha = loadConfig(example('opnsense/wanwatch-singleton.yaml'));
    assert.equal(ha.platform, 'opnsense');
    assert.equal(ha.opnsense.mode, 'singleton');
    assert.deepEqual(ha.opnsense.carp, {
      enabled: true,
      vhid: '1@igc0',
      peer4: '192.0.2.3',
      peer6: '2001:db8:c::3',
      serviceStatus: true,
      socket: '/var/run/wanwatch-carp.sock',
      stateDir: '/var/db/wanwatch/carp',
      debounceMs: 300,
    });
    const platform = createPlatform(ha, { logger });
    assert.ok(platform.adapter instanceof OpnsenseAdapter);
    assert.equal(platform.adapter.capabilities.standbyProbing, false);
    assert.ok(platform.roleSource instanceof CarpRoleSource);
    assert.equal(platform.adapter.config.peer4, '192.0.2.3');

    const gw = loadConfig(example('opnsense/wanwatch-gateway.yaml'));
    assert.equal(gw.opnsense.mode, 'gateway');
    assert.equal(gw.opnsense.killStates, 'old-gateway');
    const p = createPlatform(gw, { logger });
    assert.equal(p.adapter.capabilities.standbyProbing, true);
    assert.equal(p.roleSource, undefined, 'no CARP: always master');
  });

  it('fills the defaults from @wanwatch/opnsense', () => {
    const c = parseConfig(`platform: opnsense\n${UPLINKS}`, FILE);
    assert.equal(c.opnsense.commandTimeoutMs, 15_000);
    assert.equal(c.opnsense.addressTimeoutMs, 20_000);
    assert.equal(c.opnsense.carp.enabled, false);
    assert.equal((c.effective.opnsense as { routeTimeout: string }).routeTimeout, '3s');
  });

  it('reports bad OPNsense keys with their line: vhid, peers, unknown uplinks, relative paths', () => {
    const lines = errors(`platform: opnsense
opnsense:
  interfaces: { dsl: opt2 }
  commandPath: [bin]
  carp: { enabled: true, vhid: 'one', peer4: '2001:db8::1' }
  mdoe: gateway
${UPLINKS}`);
    const text = lines.join('\n');
    assert.match(text, /:3:\d+: opnsense\.interfaces\.dsl: no uplink is named "dsl"/);
    assert.match(text, /:4:\d+: opnsense\.commandPath\[0\]: must be an absolute directory/);
    assert.match(text, /:5:\d+: opnsense\.carp\.vhid: must be a vhid number/);
    assert.match(text, /:5:\d+: opnsense\.carp\.peer4: must be an IPv4 address/);
    assert.match(text, /:6:\d+: opnsense\.mdoe: unknown key "mdoe"; did you mean mode\?/);
  });
});
