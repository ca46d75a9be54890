import assert from 'node:assert/strict';
import type { PersistedState } from '../src/index.js';
import { ManualRole, MemoryStateStore } from '../src/testing/index.js';
import type { WarningEvent } from '../src/events.js';
import { cleanupRigs, rig, running, type Rig } from './helpers.js';

const saved = (over: Partial<PersistedState>): PersistedState => ({
  version: 1,
  active: null,
  activeSince: null,
  lastSwitchAt: null,
  pinned: null,
  forbidden: [],
  penalties: {},
  blocks: {},
  ...over,
});

describe('engine: failed switches, restarts and stopping', () => {
  let r: Rig;
  afterEach(cleanupRigs);

  it('keeps the old route when activation fails, and retries with back-off instead of storming', async () => {
    r = await running();
    r.net.failActivation({ uplink: 'lte', kind: 'reject', times: 3 });
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte', 120_000);
    const tries = r.net.activations.filter((a) => a.uplink === 'lte');
    assert.deepEqual(
      tries.map((a) => a.ok),
      [false, false, false, true],
    );
    const gaps = tries.slice(1).map((t, i) => t.at - tries[i]!.at);
    // back-off 10 s, 20 s, 40 s after each failure
    [10_000, 20_000, 40_000].forEach((g, i) =>
      assert.ok(gaps[i]! >= g && gaps[i]! < g + 2_000, `gap ${i}: ${gaps[i]}`),
    );
    assert.equal(r.failures.length, 3);
    assert.ok(r.failures.every((f) => f.step === 'activate' && f.active === 'fiber'));
  });

  it('gives up on an activation that hangs and says where traffic is', async () => {
    r = await running({ settings: { switch: { activateTimeoutMs: 2_000 } } });
    r.net.failActivation({ uplink: 'lte', kind: 'hang' });
    r.net.set('fiber', { dead: true });
    await r.until(() => r.failures.length > 0, 10_000);
    const failed = r.failures[0]!;
    assert.equal(failed.step, 'activate');
    assert.match(failed.error.message, /2000 ms/);
    assert.equal(failed.active, 'fiber');
    assert.equal(r.engine.status().busy, false, 'the engine is not stuck in the switch');
  });

  it('rolls back to the previous uplink when the new path fails verification', async () => {
    r = await running({ settings: { failback: { delayMs: 10_000 } } });
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte', 5_000);
    r.net.heal('fiber');
    r.net.set('fiber', { forwards: false });
    await r.until(() => r.failures.length > 0, 60_000);
    assert.equal(r.failures[0]?.to, 'fiber');
    assert.equal(r.failures[0]?.step, 'verify');
    await r.until(() => r.engine.status().active === 'lte', 5_000);
    assert.equal(r.switches.at(-1)?.reason, 'rollback');
    assert.equal(r.net.route, 'lte');
    const fiber = r.engine.status().uplinks.find((u) => u.id === 'fiber')!;
    assert.ok(fiber.backedOffUntil !== null, 'the failed uplink is backed off');
  });

  it('notices when an adapter claims success but the route did not move', async () => {
    r = await running();
    r.net.failActivation({ uplink: 'lte', kind: 'noop' });
    r.net.set('fiber', { dead: true });
    await r.until(() => r.failures.length > 0, 5_000);
    assert.equal(r.failures[0]?.step, 'verify');
    assert.match(r.failures[0].error.message, /default route belongs to fiber/);
    assert.equal(r.engine.status().active, 'fiber', 'the engine believes the system, not the adapter');
  });

  it('never has zero active uplinks while one is healthy, whatever fails', async () => {
    r = await running();
    r.net.failActivation({ kind: 'reject', times: 2 });
    r.net.failActivation({ kind: 'hang', times: 1 });
    r.net.set('fiber', { dead: true });
    let emptyRoute = 0;
    await r.until(() => {
      if (r.net.route === null || r.engine.status().active === null) emptyRoute++;
      return r.engine.status().active === 'lte' && !r.engine.status().busy;
    }, 300_000);
    assert.equal(emptyRoute, 0, 'there was always a default route and an active uplink');
    assert.equal(r.net.route, 'lte');
    assert.equal(r.failures.length, 3);
    assert.equal(r.net.overlaps, 0, 'activations never overlap');
  });

  it('adopts the uplink that is active at start-up instead of switching', async () => {
    r = rig({ net: { initialRoute: 'lte' } });
    await r.engine.start();
    assert.equal(r.engine.status().active, 'lte');
    await r.tick(10_000);
    assert.deepEqual(r.net.activations, [], 'no switch at start-up');
    assert.deepEqual(r.net.adoptions, ['lte'], 'the adapter makes the found route its own');
    assert.equal(r.engine.status().pendingFailback?.uplink, 'fiber');
  });

  it('keeps the found uplink active when adopting it fails, and says so', async () => {
    r = rig({ net: { initialRoute: 'lte' } });
    r.net.adapter.adopt = async () => {
      throw new Error('ip: RTNETLINK answers: Operation not permitted');
    };
    const warnings: WarningEvent[] = [];
    r.engine.on('warning', (w) => warnings.push(w));
    await r.engine.start();
    assert.equal(r.engine.status().active, 'lte');
    assert.match(warnings[0]?.error.message ?? '', /adopting lte failed: .*Operation not permitted/);
    await r.tick(5_000);
    assert.deepEqual(r.net.activations, [], 'no switch because of it');
  });

  it('adopts nothing when no uplink holds the route', async () => {
    r = rig();
    await r.engine.start();
    assert.deepEqual(r.net.adoptions, []);
  });

  it('adopts nothing as HA backup, even with a route on an uplink', async () => {
    r = rig({ net: { initialRoute: 'lte' }, engine: { roleSource: new ManualRole('backup') } });
    await r.engine.start();
    assert.deepEqual(r.net.adoptions, []);
    assert.equal(r.engine.status().active, null);
  });

  it('restores holds, penalties and the time on the active uplink from the state store', async () => {
    const start = Date.UTC(2026, 10, 21, 12, 0, 0);
    const store = new MemoryStateStore(
      saved({ active: 'lte', activeSince: start - 50_000, lastSwitchAt: start - 50_000, forbidden: ['dsl-gone'] }),
    );
    r = rig({ store, net: { initialRoute: 'lte' }, now: start, settings: { failback: { delayMs: 60_000 } } });
    await r.engine.start();
    assert.equal(r.engine.status().activeSince, start - 50_000);
    await r.until(() => r.engine.status().active === 'fiber', 120_000);
    // fiber is up about 3 s after start; the delay counts from then, not from the restart.
    assert.ok(Date.now() - start >= 60_000 && Date.now() - start < 64_000, `${Date.now() - start} ms`);
    assert.deepEqual(store.state?.forbidden, [], 'holds on uplinks that no longer exist are dropped');
  });

  it('believes the system over the state file about which uplink is active', async () => {
    const store = new MemoryStateStore(saved({ active: 'lte', activeSince: 1 }));
    r = rig({ store, net: { initialRoute: 'fiber' } });
    await r.engine.start();
    assert.equal(r.engine.status().active, 'fiber');
    assert.notEqual(r.engine.status().activeSince, 1);
  });

  it('starts cleanly and warns when the state store cannot be read', async () => {
    const store = new MemoryStateStore();
    store.load = async () => {
      throw new Error('disk on fire');
    };
    r = rig({ store });
    const warnings: WarningEvent[] = [];
    r.engine.on('warning', (w) => warnings.push(w));
    await r.engine.start();
    await r.until(() => r.engine.status().active !== null, 10_000);
    assert.match(warnings[0]?.error.message ?? '', /disk on fire/);
    assert.equal(r.engine.status().active, 'fiber');
  });

  it('with initialState down, leaves an adopted uplink once another one proves healthy', async () => {
    r = rig({ net: { initialRoute: 'lte' }, settings: { health: { initialState: 'down' } } });
    await r.engine.start();
    await r.until(() => r.switches.length > 0, 10_000);
    assert.equal(r.switches[0]?.to, 'fiber');
  });

  it('stops cleanly: waits for a switch in flight, saves state, leaves the route as it is', async () => {
    r = await running({ settings: { switch: { activateTimeoutMs: 60_000 } } });
    const store = r.store;
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().busy, 5_000, 1);
    await r.settle(r.engine.stop());
    assert.equal(r.net.route, 'lte', 'the switch in flight completed');
    assert.equal(store.state?.active, 'lte');
    assert.equal(store.entries.at(-1)?.type, 'stop');
    const sentAtStop = r.net.sent.get('lte:uplink');
    await r.tick(10_000);
    assert.equal(r.net.sent.get('lte:uplink'), sentAtStop, 'no probes after stop');
  });

  it('reports a throwing event listener as a warning and keeps working', async () => {
    r = await running();
    const warnings: WarningEvent[] = [];
    r.engine.on('warning', (w) => warnings.push(w));
    r.engine.on('probe', () => {
      throw new Error('listener bug');
    });
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte', 5_000);
    assert.equal(r.engine.status().active, 'lte');
    assert.match(warnings[0]?.error.message ?? '', /listener bug/);
  });
});
