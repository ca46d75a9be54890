/**
 * Gateway mode against the emulated box: every WAN stays up, the default
 * routes move with route delete/add (IPv4 and IPv6), the old gateway's
 * states are killed (selectably), a route rewritten behind wanwatch's back
 * is put back, and a failed route change is rolled back.
 */
import assert from 'node:assert/strict';
import { OpnsenseSwitchError, type OpnsenseAdapter } from '../../src/index.js';
import type { FakeBsd } from '../emulation/fake-bsd.js';
import { adapterOn, FIBER, LTE, newBox, type Logged, ctx } from '../support/box.js';

describe('OPNsense gateway mode (emulated box)', function () {
  this.timeout(20_000);
  let box: FakeBsd & { configXml: string };
  let adapter: OpnsenseAdapter;
  let log: Logged;

  beforeEach(() => {
    box = newBox();
    // Both WANs up; wan's lease came last, so the default routes are fiber's.
    box.run('configctl', 'interface', 'reconfigure', 'opt1');
    box.run('configctl', 'interface', 'reconfigure', 'wan');
    box.run('rtsold_script.sh', 'vtnet1');
    box.clearCalls();
    ({ adapter, log } = adapterOn(box, { mode: 'gateway', driftCheckMs: 200 }));
  });
  afterEach(async () => {
    await adapter.close();
    box.dispose();
  });

  it('probes every WAN and moves only the default routes, then kills the old gateway states', async () => {
    assert.equal(adapter.capabilities.standbyProbing, true);
    assert.equal(await adapter.discover([FIBER, LTE]), 'fiber');
    await adapter.activate(LTE, ctx(FIBER));
    assert.deepEqual(box.changes(), [
      'route -n delete -inet default',
      'route -n add -inet default 203.0.113.1',
      'route -n delete -inet6 default',
      'route -n add -inet6 default fe80::1%vtnet2',
      'configctl filter kill gateway_states 198.51.100.1',
    ]);
    const s = box.state();
    assert.deepEqual(s.routes.inet, { gateway: '203.0.113.1', interface: 'vtnet2' });
    assert.deepEqual(s.routes.inet6, { gateway: 'fe80::1%vtnet2', interface: 'vtnet2' });
    assert.equal(s.interfaces.vtnet1!.ipv4.length, 1, 'fiber stays up');
  });

  it('leaves the states alone with killStates off', async () => {
    ({ adapter } = adapterOn(box, { mode: 'gateway', killStates: 'off' }));
    await adapter.activate(LTE, ctx(FIBER));
    assert.equal(box.lines(/filter kill/).length, 0);
  });

  it('puts its default route back when something else rewrites it', async () => {
    await adapter.activate(LTE, ctx(FIBER));
    box.run('route', '-n', 'delete', '-inet', 'default');
    box.run('route', '-n', 'add', '-inet', 'default', '198.51.100.1');
    const end = Date.now() + 5_000;
    while (box.state().routes.inet?.gateway !== '203.0.113.1' && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(box.state().routes.inet?.interface, 'vtnet2');
    assert.ok(
      log.warnings.some((w) => /was changed to 198\.51\.100\.1 \(vtnet1\); putting 203\.0\.113\.1 back/.test(w)),
    );
  });

  it('keeps the routes it adopted at start-up (IPv4 and IPv6) against drift', async () => {
    assert.equal(await adapter.discover([FIBER, LTE]), 'fiber');
    box.run('route', '-n', 'delete', '-inet6', 'default');
    box.run('route', '-n', 'add', '-inet6', 'default', 'fe80::1%vtnet2');
    const end = Date.now() + 5_000;
    while (box.state().routes.inet6?.interface !== 'vtnet1' && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(box.state().routes.inet6, { gateway: 'fe80::1%vtnet1', interface: 'vtnet1' });
  });

  it('restores the old routes and says so when a route change fails', async () => {
    box.fault('route -n add -inet6 default', {
      exit: 1,
      stderr: 'route: writing to routing socket: Invalid argument',
      times: 1,
    });
    const err = await adapter.activate(LTE, ctx(FIBER)).catch((e: unknown) => e);
    assert.ok(err instanceof OpnsenseSwitchError);
    assert.equal(err.step, 'gateway-route');
    assert.equal(err.rolledBack, true);
    assert.match(err.message, /Invalid argument/);
    const s = box.state();
    assert.equal(s.routes.inet?.gateway, '198.51.100.1');
    assert.equal(s.routes.inet6?.gateway, 'fe80::1%vtnet1');
  });
});
