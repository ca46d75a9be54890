import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseConfig } from '@wanwatch/agent';
import { IPFIRE_DEFAULTS } from '@wanwatch/ipfire';
import { configErrors } from '../support/config-errors.js';

const FILE = '/var/ipfire/wanwatch/wanwatch.yaml';
const BASE = `platform: ipfire
uplinks:
  - name: fiber
    interface: ppp0
    targets: [192.0.2.10]
  - name: cable
    interface: red1
    targets: [192.0.2.10]
`;

const errors = (text: string): string[] => configErrors(text, FILE);

describe('config: the ipfire section', () => {
  it('accepts the IPFire example: PPPoE primary, DHCP backup, QMI third', () => {
    const config = loadConfig(fileURLToPath(new URL('../../../../examples/ipfire/wanwatch.yaml', import.meta.url)));
    assert.equal(config.platform, 'ipfire');
    assert.deepEqual(
      config.uplinks.map((u) => [u.id, u.interface]),
      [
        ['pppoe', 'ppp0'],
        ['cable', 'red1'],
        ['lte', 'wwan0'],
      ],
    );
    assert.deepEqual(config.ipfire.profiles.pppoe, { ppp: 1 });
    assert.equal(config.ipfire.profiles.cable?.redType, 'DHCP');
    assert.equal(config.ipfire.profiles.lte?.ethernet?.RED_DRIVER, 'qmi_wwan');
  });

  it('takes profiles and fills in the IPFire adapter defaults', () => {
    const config = parseConfig(
      `${BASE}ipfire:\n  profiles:\n    fiber: { ppp: 1 }\n    cable: { redType: DHCP, ethernet: { RED_DEV: red1 } }\n  upTimeout: 2m\n`,
      FILE,
    );
    assert.equal(config.platform, 'ipfire');
    assert.deepEqual(config.ipfire.profiles, {
      fiber: { ppp: 1 },
      cable: { redType: 'DHCP', ethernet: { RED_DEV: 'red1' } },
    });
    assert.equal(config.ipfire.upTimeoutMs, 120_000);
    assert.equal(config.ipfire.startTimeoutMs, IPFIRE_DEFAULTS.startTimeoutMs);
    assert.equal(config.ipfire.networkScript, IPFIRE_DEFAULTS.networkScript);
  });

  it('names the uplink that has no profile, and a profile that names no uplink', () => {
    const lines = errors(`${BASE}ipfire:\n  profiles:\n    fiber: { ppp: 1 }\n    lte: { ppp: 3 }\n`);
    assert.ok(
      lines.some((l) => /wanwatch\.yaml:\d+:\d+: ipfire\.profiles: uplink "cable" has no IPFire profile/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /ipfire\.profiles\.lte: no uplink is named "lte"/.test(l)),
      lines.join('\n'),
    );
  });

  it('refuses an unknown key and a redType IPFire does not have', () => {
    const lines = errors(
      `${BASE}ipfire:\n  profiles:\n    fiber: { ppp: 1, dial: yes }\n    cable: { redType: PPTP }\n`,
    );
    assert.ok(
      lines.some((l) => /ipfire\.profiles\.fiber\.dial: unknown key/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /ipfire\.profiles\.cable\.redType/.test(l)),
      lines.join('\n'),
    );
  });

  it("reports what the adapter would refuse at the file's line: a STATIC RED without address, an unsafe value", () => {
    const lines = errors(
      `${BASE}ipfire:\n  profiles:\n    fiber: { ppp: 1 }\n    cable: { redType: STATIC, ethernet: { RED_DEV: "red1!" } }\n`,
    );
    assert.ok(
      lines.some((l) =>
        /wanwatch\.yaml:\d+:\d+: ipfire\.profiles\.cable\.ethernet\.RED_DEV: the value contains "!"/.test(l),
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /ipfire\.profiles\.cable\.ethernet\.RED_ADDRESS: a STATIC RED needs it/.test(l)),
      lines.join('\n'),
    );
  });
});
