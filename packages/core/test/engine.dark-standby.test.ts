import assert from 'node:assert/strict';
import { cleanupRigs, rig, type Rig, type RigOptions } from './helpers.js';

const dark = (extra: RigOptions = {}): RigOptions => ({
  ...extra,
  net: { standbyProbing: false, ...extra.net },
  settings: { failback: { delayMs: 60_000, trialWindowMs: 10_000, maxBackoffMs: 8 * 60_000 }, ...extra.settings },
});

describe('engine: dark standby (only the active uplink can be measured)', () => {
  let r: Rig;
  afterEach(cleanupRigs);

  async function startDark(options: RigOptions = {}): Promise<Rig> {
    const rr = rig(dark(options));
    await rr.engine.start();
    await rr.until(() => rr.engine.status().uplinks.find((u) => u.id === 'fiber')?.state === 'up', 30_000);
    return rr;
  }

  it('starts by trying the preferred uplink and probes only the active one', async () => {
    r = await startDark();
    assert.equal(r.engine.status().active, 'fiber');
    assert.equal(r.switches[0]?.trial, true);
    await r.tick(10_000);
    const lte = r.engine.status().uplinks.find((u) => u.id === 'lte')!;
    assert.equal(lte.probing, false);
    assert.equal(lte.state, 'unknown');
    assert.equal(r.net.sent.get('lte:uplink') ?? 0, 0, 'no probes out of a dark uplink');
  });

  it('fails over to the dark backup and fails back by a timed trial that succeeds', async () => {
    r = await startDark();
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte', 15_000);
    const failover = r.switches.at(-1)!;
    const failedOverAt = failover.at + failover.durationMs;
    await r.until(() => r.engine.status().trial === null, 15_000);
    assert.equal(r.engine.status().uplinks.find((u) => u.id === 'lte')?.state, 'up', 'the backup proved itself');
    r.net.heal('fiber');
    await r.tick(55_000);
    assert.equal(r.engine.status().active, 'lte', 'no trial before the failback delay');
    await r.until(() => r.engine.status().active === 'fiber', 10_000);
    const trial = r.switches.at(-1)!;
    assert.equal(trial.reason, 'failback');
    assert.equal(trial.trial, true);
    assert.ok(trial.at - failedOverAt >= 60_000, `trial ${trial.at - failedOverAt} ms after the failover`);
    await r.until(() => r.engine.status().trial === null, 15_000);
    assert.equal(r.engine.status().active, 'fiber');
    assert.equal(r.engine.status().uplinks.find((u) => u.id === 'fiber')?.backedOffUntil, null);
  });

  it('reverts at once when a trial fails, and backs off exponentially between trials', async () => {
    r = await startDark();
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte', 15_000);
    const trials: number[] = [];
    r.engine.on('switch:start', (e) => {
      if (e.to === 'fiber') trials.push(e.at);
    });
    const reverts: number[] = [];
    r.engine.on('switch:done', (e) => {
      if (e.from === 'fiber' && e.to === 'lte') reverts.push(e.at);
    });
    await r.tick(20 * 60_000);
    assert.ok(trials.length >= 4, `${trials.length} trials in 20 min`);
    const gaps = trials.slice(1).map((t, i) => t - trials[i]!);
    // Each gap = back-off (60 s, 120 s, 240 s, 480 s cap) plus the failed trial itself (≤ trial window).
    const backoffs = [120_000, 240_000, 480_000, 480_000];
    gaps.forEach((gap, i) => {
      const expected = backoffs[i]!;
      assert.ok(gap >= expected && gap <= expected + 15_000, `gap ${i}: ${gap} ms, expected about ${expected}`);
    });
    assert.equal(reverts.length, trials.length, 'every failed trial went straight back to lte');
    assert.equal(r.engine.status().active, 'lte');
    assert.ok(r.failures.filter((f) => f.to === 'fiber').length >= trials.length);
  });

  it('after a failover, a dark backup that never comes up is left for the next uplink', async () => {
    r = await startDark({
      uplinks: [
        { id: 'fiber', priority: 10, targets: ['192.0.2.10'] },
        { id: 'dsl', priority: 20, targets: ['192.0.2.10'] },
        { id: 'lte', priority: 30, targets: ['192.0.2.10'] },
      ],
    });
    const attempts: string[] = [];
    r.engine.on('switch:start', (e) => attempts.push(`${e.to}:${e.reason}`));
    r.net.set('dsl', { dead: true });
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte' && r.engine.status().trial === null, 60_000);
    assert.deepEqual(attempts, ['dsl:failover', 'lte:rollback']);
    assert.equal(r.failures.at(-1)?.to, 'dsl');
    assert.equal(r.failures.at(-1)?.step, 'verify');
    assert.equal(r.engine.status().uplinks.find((u) => u.id === 'lte')?.state, 'up');
  });

  it('does not judge the uplink it leaves by what it sees while the switch takes it down', async () => {
    // IPFire and OPNsense singleton mode release the old uplink inside activate: its probes fail
    // then, which says nothing about the uplink. Judged on them, lte would be backed off after the
    // failback and the next fiber outage would have nowhere to go.
    r = await startDark({ net: { releaseFirst: true, activateMs: 3_000 } });
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte' && r.engine.status().trial === null, 30_000);
    r.net.heal('fiber');
    await r.until(() => r.engine.status().active === 'fiber' && r.engine.status().trial === null, 120_000);
    const lte = r.engine.status().uplinks.find((u) => u.id === 'lte')!;
    assert.equal(lte.backedOffUntil, null, 'lte left healthy is not backed off');
    r.net.set('fiber', { dead: true });
    const diedAt = Date.now();
    await r.until(() => r.engine.status().active === 'lte', 30_000);
    const failover = r.switches.at(-1)!;
    assert.equal(failover.reason, 'failover');
    assert.ok(failover.at - diedAt < 3_000, `failover started ${failover.at - diedAt} ms after fiber died`);
  });
});
