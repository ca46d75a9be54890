import assert from 'node:assert/strict';
import type { FailbackCancelledEvent, FailbackPendingEvent } from '../src/events.js';
import { cleanupRigs, running, type Rig, type RigOptions } from './helpers.js';

/** Runs until the primary has failed and traffic is on lte. */
async function failedOver(options: RigOptions = {}): Promise<Rig> {
  const r = await running(options);
  r.net.set('fiber', { dead: true });
  await r.until(() => r.engine.status().active === 'lte', 60_000);
  assert.equal(r.engine.status().active, 'lte');
  return r;
}

/** Heals fiber and returns the time at which it was seen `up` again. */
async function fiberBack(r: Rig): Promise<number> {
  r.net.heal('fiber');
  await r.until(() => r.engine.status().uplinks.find((u) => u.id === 'fiber')?.state === 'up', 30_000);
  return Date.now();
}

describe('engine: failback', () => {
  let r: Rig;
  afterEach(cleanupRigs);

  it('fails back only after the primary has been up for the failback delay', async () => {
    r = await failedOver({ settings: { failback: { delayMs: 30_000 } } });
    const pending: FailbackPendingEvent[] = [];
    r.engine.on('failback:pending', (e) => pending.push(e));
    const upAt = await fiberBack(r);
    assert.equal(pending[0]?.uplink, 'fiber');
    assert.equal(pending[0]?.dueAt, r.engine.status().uplinks[0]!.since + 30_000);
    await r.tick(29_000);
    assert.equal(r.engine.status().active, 'lte', 'not before the delay');
    assert.ok((r.engine.status().pendingFailback?.remainingMs ?? 0) <= 1_000);
    await r.until(() => r.engine.status().active === 'fiber', 2_000);
    const back = r.switches.at(-1)!;
    assert.equal(back.reason, 'failback');
    assert.ok(back.at - upAt >= 29_900 && back.at - upAt <= 31_000, `failback after ${back.at - upAt} ms`);
  });

  it('restarts the failback delay when the primary flaps during it', async () => {
    r = await failedOver({ settings: { failback: { delayMs: 30_000 }, dampening: { enabled: false } } });
    const cancelled: FailbackCancelledEvent[] = [];
    r.engine.on('failback:cancelled', (e) => cancelled.push(e));
    await fiberBack(r);
    await r.tick(20_000);
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().uplinks[0]!.state === 'down', 5_000);
    assert.equal(cancelled[0]?.uplink, 'fiber');
    const upAgain = await fiberBack(r);
    await r.tick(25_000);
    assert.equal(r.engine.status().active, 'lte', 'the delay started over');
    await r.until(() => r.engine.status().active === 'fiber', 10_000);
    assert.ok(r.switches.at(-1)!.at - upAgain >= 29_900);
  });

  it('does not fail back to a primary that is only degraded', async () => {
    r = await failedOver({ settings: { failback: { delayMs: 10_000 } } });
    r.net.heal('fiber');
    r.net.set('fiber', { lossPct: 25 });
    await r.tick(10 * 60_000);
    assert.equal(r.engine.status().active, 'lte');
    assert.notEqual(r.engine.status().uplinks[0]!.state, 'up');
  });

  it('waits for the operator in manual mode, then fails back on command', async () => {
    r = await failedOver({ settings: { failback: { mode: 'manual', delayMs: 5_000 } } });
    await fiberBack(r);
    await r.tick(10 * 60_000);
    assert.equal(r.engine.status().active, 'lte');
    assert.deepEqual(
      { uplink: r.engine.status().pendingFailback?.uplink, waitingFor: r.engine.status().pendingFailback?.waitingFor },
      { uplink: 'fiber', waitingFor: 'operator' },
    );
    const outcome = await r.settle(r.engine.failback());
    assert.equal(outcome.ok, true);
    assert.equal(r.engine.status().active, 'fiber');
    assert.equal(r.net.route, 'fiber');
  });

  it('never fails back in disabled mode, and still fails over when the backup dies', async () => {
    r = await failedOver({ settings: { failback: { mode: 'disabled', delayMs: 1_000 } } });
    await fiberBack(r);
    await r.tick(10 * 60_000);
    assert.equal(r.engine.status().active, 'lte');
    assert.equal(r.engine.status().pendingFailback, null);
    r.net.set('lte', { dead: true });
    await r.until(() => r.engine.status().active === 'fiber', 5_000);
    assert.equal(r.switches.at(-1)?.reason, 'failover');
  });

  it('fails back only inside the failback window', async () => {
    // 12:00 UTC start; window 13:00-14:00 UTC.
    r = await failedOver({ settings: { failback: { delayMs: 5_000, window: '13:00-14:00', timeZone: 'UTC' } } });
    await fiberBack(r);
    await r.tick(10 * 60_000);
    assert.equal(r.engine.status().active, 'lte');
    assert.equal(r.engine.status().pendingFailback?.waitingFor, 'window');
    const opens = Date.UTC(2026, 10, 21, 13, 0, 0);
    await r.tick(opens - Date.now() - 1_000);
    assert.equal(r.engine.status().active, 'lte', 'still closed one second before');
    await r.until(() => r.engine.status().active === 'fiber', 5_000);
    assert.ok(r.switches.at(-1)!.at >= opens);
  });

  it('honours a window that wraps past midnight in a named time zone', async () => {
    // 12:00 UTC = 13:00 in Europe/Berlin (CET, winter). Window 22:00-02:00 Berlin opens at 21:00 UTC.
    r = await failedOver({
      settings: {
        probe: { intervalMs: 5_000 },
        failback: { delayMs: 5_000, window: '22:00-02:00', timeZone: 'Europe/Berlin' },
      },
    });
    await fiberBack(r);
    const opens = Date.UTC(2026, 10, 21, 21, 0, 0);
    await r.tick(opens - Date.now() - 60_000);
    assert.equal(r.engine.status().active, 'lte');
    await r.until(() => r.engine.status().active === 'fiber', 120_000);
    assert.ok(r.switches.at(-1)!.at >= opens);
  });

  it('keeps the minimum dwell time after a manual failover even with a zero failback delay', async () => {
    r = await running({ settings: { failback: { delayMs: 0, minDwellMs: 20_000 } } });
    await r.settle(r.engine.failover('lte'));
    const at = Date.now();
    await r.until(() => r.engine.status().active === 'fiber', 60_000);
    assert.ok(Date.now() - at >= 20_000, `returned after ${Date.now() - at} ms`);
  });

  it('counts the failback delay from a manual failover, so an operator test of the backup ends by itself', async () => {
    r = await running({ settings: { failback: { delayMs: 30_000 } } });
    await r.tick(5 * 60_000);
    await r.settle(r.engine.failover('lte'));
    const at = Date.now();
    assert.equal(r.engine.status().active, 'lte');
    await r.until(() => r.engine.status().active === 'fiber', 60_000);
    assert.ok(Date.now() - at >= 30_000 && Date.now() - at < 31_000, `returned after ${Date.now() - at} ms`);
  });
});
