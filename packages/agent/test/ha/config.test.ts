import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig } from '@wanwatch/agent';
import { linuxAdapterOptions } from '../../src/platform/index.js';
import { configErrors } from '../support/config-errors.js';

const FILE = '/etc/wanwatch/ha.yaml';
const UPLINKS = `uplinks:
  - name: fiber
    interface: wan1
    targets: [198.51.100.10]
`;
const HA = `platform: linux
ha:
  keepalived:
    fifo: /run/wanwatch/keepalived.fifo
    instance: LAN
    virtualAddresses: [192.0.2.1, 2001:db8:c::1]
  peer4: 192.0.2.1
  peer6: 2001:db8:c::1
  lanInterface: lan0
  backupMode: down
  trackFile: /run/wanwatch/track
`;

const errors = (text: string): string[] => configErrors(text, FILE);

describe('the ha: section of the config', () => {
  it('is absent by default: a standalone box, always master', () => {
    assert.equal(parseConfig(`platform: linux\n${UPLINKS}`, FILE).ha, null);
  });

  it('turns into the keepalived role source settings and the adapter’s HA options, with the defaults filled in', () => {
    const config = parseConfig(HA + UPLINKS, FILE);
    assert.deepEqual(config.ha?.keepalived, {
      fifo: '/run/wanwatch/keepalived.fifo',
      instance: 'LAN',
      stateFile: null,
      pidFile: null,
      virtualAddresses: ['192.0.2.1', '2001:db8:c::1'],
      debounceMs: 200,
    });
    assert.equal(config.ha?.trackFile, '/run/wanwatch/track');
    const options = linuxAdapterOptions(config, { warn: () => undefined });
    assert.deepEqual(options.ha, { backupMode: 'down', lanDevice: 'lan0', peer4: '192.0.2.1', peer6: '2001:db8:c::1' });
  });

  it('names every wrong field with its line', () => {
    const bad = HA.replace('peer4: 192.0.2.1', 'peer4: 2001:db8::5')
      .replace('instance: LAN', 'instance: "two words"')
      .replace('backupMode: down', 'backupMode: off')
      .replace('trackFile: /run/wanwatch/track', 'trackFile: track');
    const lines = errors(bad + UPLINKS).join('\n');
    assert.match(lines, /ha\.yaml:\d+:\d+: ha\.peer4: must be an IPv4 address/);
    assert.match(lines, /ha\.keepalived\.instance: "two words" is not a keepalived instance name/);
    assert.match(lines, /ha\.backupMode/);
    assert.match(lines, /ha\.trackFile: must be an absolute path/);
  });

  it('needs the FIFO, the instance, the LAN device and a peer address, and the Linux platform', () => {
    const lines = errors(`platform: simulated\nha:\n  keepalived: {}\n${UPLINKS}`).join('\n');
    assert.match(lines, /missing required key "fifo"/);
    assert.match(lines, /missing required key "instance"/);
    assert.match(lines, /missing required key "lanInterface"/);
    assert.match(lines, /peer4 and\/or peer6/);
    assert.match(lines, /needs platform linux/);
  });
});

describe('the HA examples', () => {
  it('are valid configs for router A and router B', () => {
    for (const x of ['a', 'b']) {
      const config = loadConfig(
        fileURLToPath(new URL(`../../../../examples/linux-ha/wanwatch-${x}.yaml`, import.meta.url)),
      );
      assert.equal(config.ha?.keepalived.instance, 'LAN');
      assert.equal(config.ha?.backupMode, 'down');
    }
  });
});
