import assert from 'node:assert/strict';
import { ConfigError, type Uplink } from '@wanwatch/core';
import { IPFIRE_DEFAULTS, resolveOptions } from '../src/options.js';

const up = (id: string, iface = 'ppp0'): Uplink => ({ id, priority: 10, interface: iface, targets: ['192.0.2.10'] });

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('accepted');
}

describe('IPFire adapter options', () => {
  it('fills in the defaults and lists the ethernet keys the profiles own', () => {
    const o = resolveOptions([up('fiber'), up('cable', 'red1')], {
      profiles: { fiber: { ppp: 1 }, cable: { redType: 'DHCP', ethernet: { RED_DEV: 'red1' } } },
    });
    assert.equal(o.startTimeoutMs, IPFIRE_DEFAULTS.startTimeoutMs);
    assert.equal(o.paths.networkScript, '/etc/rc.d/init.d/network');
    assert.equal(o.paths.profile(1), '/var/ipfire/ppp/settings-1');
    assert.deepEqual(o.ownedKeys, ['RED_TYPE', 'RED_DEV']);
    assert.deepEqual(
      o.profiles.map((p) => [p.id, p.redType, p.ppp, p.iface]),
      [
        ['fiber', 'PPPOE', 1, 'ppp0'],
        ['cable', 'DHCP', null, 'red1'],
      ],
    );
  });

  it('names every problem: missing profile, profile number, keys it may not set, unsafe values, STATIC without address', () => {
    const found = issues(() =>
      resolveOptions([up('a'), up('b'), up('c', 'red1'), up('d', 'bad name')], {
        profiles: {
          b: { ppp: 6 },
          c: { redType: 'STATIC', ethernet: { RED_TYPE: 'DHCP', GREEN_DEV: 'x', RED_DEV: 'red 1!' } },
          d: { redType: 'DHCP' },
          e: { ppp: 2 },
        },
      }),
    );
    for (const want of [
      /^profiles\.e: names no configured uplink/,
      /^profiles\.a: every uplink needs an IPFire profile/,
      /^profiles\.b\.ppp: must be a profile number 1…5, not 6/,
      /^profiles\.c\.ethernet\.RED_TYPE: only RED_\* keys/,
      /^profiles\.c\.ethernet\.GREEN_DEV: only RED_\* keys/,
      /^profiles\.c\.ethernet\.RED_DEV: the value contains "!"/,
      /^profiles\.c\.ethernet\.RED_ADDRESS: a STATIC RED needs it/,
      /^profiles\.c\.ethernet\.DEFAULT_GATEWAY: a STATIC RED needs it/,
      /^uplinks\[3\]\.interface: the IPFire adapter needs the RED interface/,
    ])
      assert.ok(
        found.some((f) => want.test(f)),
        `${want} in\n${found.join('\n')}`,
      );
  });
});
