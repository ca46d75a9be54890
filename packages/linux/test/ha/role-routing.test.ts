import assert from 'node:assert/strict';
import { resolveOptions } from '../../src/options.js';
import {
  masterCommands,
  peerRouteCommands,
  staleRouteDeletes,
  uplinksDownCommands,
  type HaRouting,
} from '../../src/ha/role-routing.js';
import { parseRoutes, type LinkEntry } from '../../src/state/ip-json.js';

const ha = (backupMode: 'down' | 'unused'): HaRouting => ({
  backupMode,
  lanDevice: 'lan0',
  peer: { 4: '192.0.2.1', 6: '2001:db8:c::1' },
});
const routes = (family: 4 | 6, list: { gateway: string; dev: string; metric: number }[]) =>
  parseRoutes(JSON.stringify(list.map((r) => ({ dst: 'default', ...r }))), family);
const link = (name: string, up: boolean): LinkEntry => ({
  ifindex: 3,
  name,
  flags: up ? ['UP', 'LOWER_UP'] : [],
  linkType: 'ether',
  addresses: { 4: [], 6: [] },
});
const show = (c: string[][]) => c.map((x) => x.join(' '));

describe('routing by HA role', () => {
  const onUplink = {
    4: routes(4, [
      { gateway: '100.64.1.1', dev: 'wan1', metric: 10 },
      { gateway: '100.64.1.1', dev: 'wan1', metric: 100 },
    ]),
    6: routes(6, [{ gateway: '2001:db8:a1::1', dev: 'wan1', metric: 10 }]),
  };

  it('as backup, replaces wanwatch’s default routes by routes via the master, in one step per family', () => {
    assert.deepEqual(show(peerRouteCommands(ha('unused'), onUplink, 10)), [
      'ip -4 route replace default via 192.0.2.1 dev lan0 metric 10',
      'ip -6 route replace default via 2001:db8:c::1 dev lan0 metric 10',
    ]);
    const done = {
      4: routes(4, [{ gateway: '192.0.2.1', dev: 'lan0', metric: 10 }]),
      6: routes(6, [{ gateway: '2001:db8:c::1', dev: 'lan0', metric: 10 }]),
    };
    assert.deepEqual(peerRouteCommands(ha('unused'), done, 10), []);
  });

  it('then deletes stale routes at wanwatch’s metric, and leaves other tools’ routes alone', () => {
    const after = {
      4: routes(4, [
        { gateway: '192.0.2.1', dev: 'lan0', metric: 10 },
        { gateway: '100.64.1.1', dev: 'wan1', metric: 100 },
      ]),
      6: routes(6, [
        { gateway: '2001:db8:c::1', dev: 'lan0', metric: 10 },
        { gateway: '2001:db8:a1::1', dev: 'wan1', metric: 10 },
      ]),
    };
    assert.deepEqual(show(staleRouteDeletes(ha('unused'), after, 10)), [
      'ip -6 route del default via 2001:db8:a1::1 dev wan1 metric 10',
    ]);
  });

  it('sets the uplink devices down only in backup mode "down", and only those that are up', () => {
    const links = [link('wan1', true), link('wan2', false)];
    assert.deepEqual(uplinksDownCommands(ha('unused'), ['wan1', 'wan2'], links), []);
    assert.deepEqual(show(uplinksDownCommands(ha('down'), ['wan1', 'wan2', 'wan3'], links)), [
      'ip link set dev wan1 down',
    ]);
  });

  it('as master, brings the devices up first, then removes the routes via the peer', () => {
    const asBackup = {
      4: routes(4, [{ gateway: '192.0.2.1', dev: 'lan0', metric: 10 }]),
      6: routes(6, [{ gateway: '2001:db8:c::1', dev: 'lan0', metric: 10 }]),
    };
    assert.deepEqual(show(masterCommands(ha('down'), asBackup, 10, ['wan1'], [link('wan1', false)])), [
      'ip link set dev wan1 up',
      'ip -4 route del default via 192.0.2.1 dev lan0 metric 10',
      'ip -6 route del default via 2001:db8:c::1 dev lan0 metric 10',
    ]);
    assert.deepEqual(masterCommands(ha('unused'), onUplink, 10, ['wan1'], [link('wan1', true)]), []);
  });

  it('refuses HA options it cannot use, naming each field', () => {
    const uplinks = [{ id: 'wan1', priority: 10, interface: 'wan1', targets: [] }];
    assert.throws(
      () => resolveOptions(uplinks, { ha: { lanDevice: 'lan 0', peer4: '2001:db8::1', backupMode: 'off' as 'down' } }),
      (err: Error) =>
        /ha\.backupMode/.test(err.message) && /ha\.lanDevice/.test(err.message) && /ha\.peer4/.test(err.message),
    );
    assert.throws(() => resolveOptions(uplinks, { ha: { lanDevice: 'lan0' } }), /peer4 and\/or peer6/);
    assert.equal(resolveOptions(uplinks, { ha: { lanDevice: 'lan0', peer6: 'fe80::1' } }).ha?.backupMode, 'unused');
  });
});
