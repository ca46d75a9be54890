import assert from 'node:assert/strict';
import { ConfigError, type Uplink } from '@wanwatch/core';
import { LINUX_DEFAULTS, resolveOptions } from '../src/index.js';

const up = (id: string, dev: string, more: Partial<Uplink> = {}): Uplink => ({
  id,
  priority: 10,
  interface: dev,
  targets: [],
  ...more,
});

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'E_CONFIG');
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  return assert.fail('no ConfigError');
}

describe('linux adapter options', () => {
  it('numbers tables from tableBase in config order and rules from rulePriority, one each per uplink', () => {
    const r = resolveOptions([up('a', 'eth1'), up('b', 'eth2'), up('c', 'wwan0')], { tables: { b: 7 } });
    assert.deepEqual(
      r.uplinks.map((u) => [u.id, u.table, u.pref]),
      [
        ['a', 101, 1000],
        ['b', 7, 1001],
        ['c', 103, 1002],
      ],
    );
    assert.equal(r.metric, LINUX_DEFAULTS.metric);
    assert.equal(r.conntrack, 'old-uplink');
    assert.equal(r.cleanupOnClose, false);
  });

  it('reads gateways as an address (IPv6 in canonical form, without a zone), auto, or unset', () => {
    const [u] = resolveOptions([up('a', 'eth1', { gateway: '192.0.2.1', gateway6: 'FE80:0::1%eth1' })]).uplinks;
    assert.deepEqual(u!.gateway, {
      4: { kind: 'address', address: '192.0.2.1' },
      6: { kind: 'address', address: 'fe80::1' },
    });
    const [v] = resolveOptions([up('a', 'eth1', { gateway: 'auto' })]).uplinks;
    assert.deepEqual(v!.gateway, { 4: { kind: 'auto' }, 6: { kind: 'unset' } });
  });

  it('lists every problem at once', () => {
    const found = issues(() =>
      resolveOptions(
        [
          up('a', 'eth1', { gateway: '2001:db8::1' }),
          up('b', 'eth1'),
          { id: 'c', priority: 1, targets: [] },
          up('d', 'bad/name', { gateway6: '192.0.2.1' }),
        ],
        { tables: { a: 254, x: 5 }, metric: -1, conntrack: 'all' as 'off' },
      ),
    );
    assert.deepEqual(found, [
      'metric: must be an integer 1…4294967295, not -1',
      'conntrack: must be "old-uplink" or "off", not "all"',
      'tables.x: names no configured uplink',
      'tables.a: table 254 is not usable (1…2³²−1, not 253–255)',
      'uplinks[0].gateway: "2001:db8::1" is not an IPv4 address or "auto"',
      'uplinks[1].interface: eth1 is already the device of uplink a; each uplink needs its own device (a VLAN, say)',
      "uplinks[2].interface: the Linux adapter needs the uplink's device",
      'uplinks[3].interface: "bad/name" is not a valid interface name',
      'uplinks[3].gateway6: "192.0.2.1" is not an IPv6 address or "auto"',
    ]);
  });

  it('refuses two uplinks with one table, and a rule block that would reach the main table', () => {
    assert.deepEqual(
      issues(() => resolveOptions([up('a', 'eth1'), up('b', 'eth2')], { tables: { b: 101 } })),
      ['tables.b: table 101 is already the table of uplink a'],
    );
    assert.deepEqual(
      issues(() => resolveOptions([up('a', 'eth1'), up('b', 'eth2')], { rulePriority: 32_765 })),
      ["rulePriority: the rules of 2 uplinks must end before the main table's rule (32766)"],
    );
  });
});
