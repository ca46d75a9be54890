import assert from 'node:assert/strict';
import { carrierOf, isDevice, parseMonitorLine } from '../../src/monitor/parse.js';

describe('ip monitor lines', () => {
  it('reads link lines: name, flags, deletion', () => {
    assert.deepEqual(
      parseMonitorLine(
        '3: wan1@p1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default \\    link/ether 8a:a2:56:54:e9:a6 brd ff:ff:ff:ff:ff:ff',
      ),
      {
        kind: 'link',
        deleted: false,
        name: 'wan1@p1',
        flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'M-DOWN'],
      },
    );
    const gone = parseMonitorLine(
      'Deleted 5: wan2@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default',
    );
    assert.equal(gone?.kind === 'link' && gone.deleted, true);
  });

  it('tells carrier from the flags', () => {
    assert.equal(carrierOf(['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']), 'up');
    assert.equal(carrierOf(['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP']), 'down');
    assert.equal(carrierOf(['BROADCAST', 'MULTICAST', 'LOWER_UP']), 'down', 'administratively down');
    assert.equal(carrierOf(['POINTOPOINT', 'NOARP', 'UP', 'LOWER_UP']), 'up');
  });

  it('matches a printed name with its peer to the device, and nothing else', () => {
    assert.ok(isDevice('wan1@p1', 'wan1'));
    assert.ok(isDevice('wan1', 'wan1'));
    assert.ok(!isDevice('wan10@p1', 'wan1'));
    assert.ok(!isDevice('wan1.5', 'wan1'));
  });

  it('reads address, route and rule lines', () => {
    assert.deepEqual(
      parseMonitorLine(
        '3: wan1    inet 100.64.1.3/24 scope global secondary wan1\\       valid_lft forever preferred_lft forever',
      ),
      { kind: 'address', deleted: false, name: 'wan1' },
    );
    assert.deepEqual(parseMonitorLine('Deleted 5: wan2    inet6 2001:db8:a2::2/64 scope global nodad'), {
      kind: 'address',
      deleted: true,
      name: 'wan2',
    });
    assert.deepEqual(parseMonitorLine('Deleted default via 2001:db8:a2::1 dev wan2 metric 10 pref medium'), {
      kind: 'route',
      deleted: true,
      dev: 'wan2',
      table: 254,
      metric: 10,
    });
    assert.deepEqual(parseMonitorLine('default via 100.64.2.1 dev wan2 table 102'), {
      kind: 'route',
      deleted: false,
      dev: 'wan2',
      table: 102,
      metric: 0,
    });
    assert.deepEqual(parseMonitorLine('Deleted 1000:\tfrom all oif wan1 lookup 101'), {
      kind: 'rule',
      deleted: true,
      table: 101,
    });
    assert.deepEqual(parseMonitorLine('1001:\tfrom 100.64.2.2 lookup 102 proto boot'), {
      kind: 'rule',
      deleted: false,
      table: 102,
    });
  });

  it('ignores what the adapter does not act on', () => {
    assert.equal(parseMonitorLine('fe80::/64 dev p1 proto kernel metric 256 pref medium'), null);
    assert.equal(
      parseMonitorLine('local 100.64.1.3 dev wan1 table local proto kernel scope host src 100.64.1.2'),
      null,
    );
    assert.equal(parseMonitorLine(''), null);
  });
});
