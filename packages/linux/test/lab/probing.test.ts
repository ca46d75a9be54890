import assert from 'node:assert/strict';
import type { Uplink } from '@wanwatch/core';
import { ipIn, type Lab } from '@wanwatch/netlab';
import { LinuxAdapter } from '../../src/index.js';
import { adapterLab, defaultRoutes, DHCP_TABLE, inLab, Notes, RouterHost, rules, uplinkOf } from '../support/lab.js';

/** Polls `check` every 20 ms until it holds or `ms` passed. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  for (let k = 0; k < 500 && performance.now() < until; k++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

const writes = (notes: Notes) => notes.debugs.filter((d) => / (replace|add|del|flush) /.test(d));

describe('linux adapter: probe routing, in the lab', function () {
  this.timeout(60_000);
  let lab: Lab;
  let host: RouterHost;
  let adapter: LinuxAdapter;
  let notes: Notes;
  let wan1: Uplink;
  let wan2: Uplink;
  let wan3: Uplink;

  before(async () => {
    lab = await adapterLab(3);
    host = await RouterHost.start(lab);
    [wan1, wan2, wan3] = [uplinkOf(lab, 1, 'auto'), uplinkOf(lab, 2, 'auto'), uplinkOf(lab, 3)];
    notes = new Notes();
    adapter = new LinuxAdapter([wan1, wan2, wan3], inLab(lab, { logger: notes.logger }));
  });
  after(async () => {
    await adapter?.close();
    await host?.stop();
    await lab?.destroy();
  });

  it('makes probes leave through an uplink that does not carry the default route (IPv4 and IPv6)', async () => {
    const [t4, t6] = [lab.targets4(1)[0]!, lab.targets6(1)[0]!];
    const before = await host.probe(wan3, t4, 300);
    assert.equal(before.ok, false, 'without a table, a probe bound to wan3 asks for the target on the link');
    for (const u of [wan1, wan2, wan3]) await adapter.prepareProbing(u);
    for (const u of [wan1, wan2, wan3]) {
      const [r4, r6] = [await host.probe(u, t4), await host.probe(u, t6)];
      assert.ok(r4.ok, `${u.id} IPv4: ${r4.ok ? '' : r4.detail}`);
      assert.ok(r6.ok, `${u.id} IPv6: ${r6.ok ? '' : r6.detail}`);
    }
    const own = (await rules(lab, 4)).filter((r) => r.priority === 1001);
    assert.deepEqual(
      own.map((r) => [r.oif ?? r.src, r.table]),
      [
        ['wan2', '102'],
        [lab.uplink(2).address4, '102'],
      ],
    );
  });

  it('learns auto gateways from other routes, in the main table or any other, and serves them', () => {
    assert.equal(adapter.gatewayOf('wan1', 4), lab.uplink(1).gateway4, 'from the DHCP route in the main table');
    assert.equal(adapter.gatewayOf('wan1', 6), lab.uplink(1).gateway6, 'from the IPv6 default route in the main table');
    assert.equal(adapter.gatewayOf('wan2', 4), lab.uplink(2).gateway4, `from table ${DHCP_TABLE}`);
    assert.equal(adapter.gatewayOf('wan2', 6), lab.uplink(2).gateway6, `from table ${DHCP_TABLE}`);
    assert.equal(adapter.gatewayOf('wan3', 4), lab.uplink(3).gateway4, 'configured');
    assert.equal(adapter.resolveGateway(wan2, 6), lab.uplink(2).gateway6);
    assert.equal(adapter.gatewayOf('nope', 4), null);
  });

  it('changes nothing when run again', async () => {
    const before = writes(notes).length;
    for (const u of [wan1, wan2, wan3]) await adapter.prepareProbing(u);
    assert.deepEqual(writes(notes).slice(before), []);
    const own = (await rules(lab, 6)).filter((r) => r.priority >= 1000 && r.priority <= 1002);
    assert.equal(own.length, 6, 'one oif and one from rule per uplink, no duplicates');
  });

  it('makes again what another tool deleted: on the next prepareProbing, and by itself on the event', async () => {
    await adapter.prepareProbing(wan1);
    await ipIn(lab.ns.router, ['-4', 'rule', 'del', 'pref', '1002', 'oif', 'wan3', 'lookup', '103']);
    await ipIn(lab.ns.router, ['-6', 'route', 'flush', 'table', '103']);
    const back = await eventually(
      async () =>
        (await rules(lab, 4)).some((r) => r.priority === 1002 && r.oif === 'wan3') &&
        (await defaultRoutes(lab, 6, '103')).length === 1,
      2000,
    );
    assert.ok(back, 'the monitor saw the deletions and the adapter re-asserted the routing');
    await ipIn(lab.ns.router, ['-4', 'route', 'flush', 'table', '103']);
    await adapter.prepareProbing(wan3);
    assert.equal((await defaultRoutes(lab, 4, '103'))[0]?.gateway, lab.uplink(3).gateway4);
  });

  it('follows a learned gateway that changed, and keeps the last one while none is announced', async () => {
    const r = lab.ns.router;
    const other = '100.64.2.9';
    await ipIn(r, ['-4', 'route', 'replace', 'default', 'via', other, 'dev', 'wan2', 'table', String(DHCP_TABLE)]);
    assert.ok(await eventually(async () => adapter.gatewayOf('wan2', 4) === other, 2000), 'learned from the event');
    assert.ok(await eventually(async () => (await defaultRoutes(lab, 4, '102'))[0]?.gateway === other, 2000));
    await ipIn(r, ['-4', 'route', 'flush', 'table', String(DHCP_TABLE)]);
    await adapter.prepareProbing(wan2);
    assert.equal(adapter.gatewayOf('wan2', 4), other, 'kept while no DHCP route is there');
    const gw = lab.uplink(2).gateway4;
    await ipIn(r, ['-4', 'route', 'add', 'default', 'via', gw, 'dev', 'wan2', 'table', String(DHCP_TABLE)]);
    await adapter.prepareProbing(wan2);
    assert.equal((await defaultRoutes(lab, 4, '102'))[0]?.gateway, gw);
  });

  it('follows address changes of a device with its rules', async () => {
    const r = lab.ns.router;
    const hasRule = async (from: string) => (await rules(lab, 4)).some((x) => x.priority === 1002 && x.src === from);
    await ipIn(r, ['-4', 'addr', 'add', '100.64.3.7/24', 'dev', 'wan3']);
    assert.ok(await eventually(() => hasRule('100.64.3.7'), 2000), 'a rule for the new address');
    await ipIn(r, ['-4', 'addr', 'del', '100.64.3.7/24', 'dev', 'wan3']);
    assert.ok(
      await eventually(async () => !(await hasRule('100.64.3.7')), 2000),
      'the rule of the old address is gone',
    );
    assert.ok(await hasRule(lab.uplink(3).address4));
  });

  it('puts the table routes back after the device was down and up again', async () => {
    const r = lab.ns.router;
    await ipIn(r, ['link', 'set', 'wan3', 'down']);
    assert.deepEqual(await defaultRoutes(lab, 4, '103'), [], 'the kernel dropped the routes of a device set down');
    await ipIn(r, ['link', 'set', 'wan3', 'up']);
    assert.ok(await eventually(async () => (await defaultRoutes(lab, 4, '103')).length === 1, 2000));
    assert.ok(await eventually(async () => (await defaultRoutes(lab, 6, '103')).length === 1, 2000));
  });

  it('puts the tables back after the device went away and came back, and the probes work again', async () => {
    const t4 = lab.targets4(1)[0]!;
    await lab.removeUplinkDevice(3);
    assert.deepEqual(await defaultRoutes(lab, 4, '103'), [], 'the kernel dropped the table route with the device');
    await lab.restoreUplinkDevice(3);
    assert.ok(await eventually(async () => (await defaultRoutes(lab, 4, '103')).length === 1, 2000));
    assert.ok(await eventually(async () => (await defaultRoutes(lab, 6, '103')).length === 1, 2000));
    const r = await host.probe(wan3, t4);
    assert.ok(r.ok, r.ok ? '' : r.detail);
  });

  it('leaves rules and tables in place on close(), and removes only its own with cleanupOnClose', async () => {
    await adapter.close();
    assert.equal((await rules(lab, 4)).filter((r) => r.priority >= 1000 && r.priority <= 1002).length, 6);
    await ipIn(lab.ns.router, ['-4', 'rule', 'add', 'pref', '1001', 'fwmark', '7', 'lookup', '102']);
    const cleaner = new LinuxAdapter([wan1, wan2, wan3], inLab(lab, { cleanupOnClose: true }));
    await cleaner.close();
    const left4 = (await rules(lab, 4)).filter((r) => r.priority >= 1000 && r.priority <= 1002);
    assert.deepEqual(
      left4.map((r) => r.priority),
      [1001],
      'only the rule of another tool is left',
    );
    assert.deepEqual(
      (await rules(lab, 6)).filter((r) => r.priority >= 1000 && r.priority <= 1002),
      [],
    );
    for (const t of ['101', '102', '103']) assert.deepEqual(await defaultRoutes(lab, 4, t), []);
    assert.equal((await defaultRoutes(lab, 4)).length, 1, 'the main default route stays');
  });
});
