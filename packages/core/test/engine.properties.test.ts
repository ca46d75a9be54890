/**
 * Property-based tests: random sequences of faults on two or three uplinks,
 * with the invariants checked at every idle instant (no switch in flight):
 *
 * 1. exactly one active uplink, and it is the one the system routes through;
 *    activations never overlap;
 * 2. an uplink that is down is never kept while an eligible healthy one
 *    exists (eligible: not forbidden, not backed off after a failed switch;
 *    suppressed uplinks are eligible as a last resort), and a switch never
 *    targets a worse uplink than the best eligible one;
 * 3. no switch storm: every failover needs the active uplink (or the target
 *    of the switch in flight) to get worse
 *    (go down, or, already down as a last resort, stop answering at all) or
 *    to have been a down last resort to begin with (which may be left once
 *    for a proven uplink), and between two failovers (or rollbacks) at most n − 1 failbacks can happen
 *    (each moves to a strictly better priority); a rollback only follows a
 *    failed switch; nothing else switches; a failback never targets a
 *    suppressed uplink.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SwitchStartEvent } from '../src/events.js';
import type { LinkConditions } from '../src/testing/index.js';
import type { UplinkStatus } from '../src/status.js';
import { cleanupRigs, rig, TARGETS, type Rig } from './helpers.js';

type Fault =
  | { kind: 'healthy' }
  | { kind: 'loss'; pct: number }
  | { kind: 'dead' }
  | { kind: 'slow'; rttMs: number }
  | { kind: 'carrier-down' };

const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Fault>({ kind: 'healthy' }) },
  { weight: 3, arbitrary: fc.integer({ min: 5, max: 100 }).map<Fault>((pct) => ({ kind: 'loss', pct })) },
  { weight: 3, arbitrary: fc.constant<Fault>({ kind: 'dead' }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 1500 }).map<Fault>((rttMs) => ({ kind: 'slow', rttMs })) },
  { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'carrier-down' }) },
);

const segment = (n: number) =>
  fc.record({
    durationMs: fc.integer({ min: 300, max: 90_000 }),
    faults: fc.array(fault, { minLength: n, maxLength: n }),
  });

const scenario = fc.integer({ min: 2, max: 3 }).chain((n) =>
  fc.record({
    uplinks: fc.constant(n),
    segments: fc.array(segment(n), { minLength: 1, maxLength: 8 }),
    delayMs: fc.constantFrom(0, 5_000, 60_000),
    mode: fc.constantFrom<'auto' | 'manual'>('auto', 'auto', 'manual'),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  }),
);

function apply(r: Rig, id: string, f: Fault): void {
  const conditions: Partial<LinkConditions> =
    f.kind === 'loss'
      ? { lossPct: f.pct }
      : f.kind === 'dead'
        ? { dead: true }
        : f.kind === 'slow'
          ? { rttMs: f.rttMs, jitterMs: f.rttMs / 10 }
          : {};
  r.net.heal(id);
  r.net.set(id, conditions);
  const carrier = f.kind === 'carrier-down' ? 'down' : 'up';
  r.net.setCarrier(id, carrier);
}

const usable = (u: UplinkStatus) => u.state === 'up' || u.state === 'degraded';
const eligible = (u: UplinkStatus) => usable(u) && !u.forbidden && u.backedOffUntil === null;

function checkIdle(r: Rig): void {
  const st = r.engine.status();
  if (st.busy) return;
  assert.equal(st.active, r.net.route, 'the engine and the system agree on the active uplink');
  assert.equal(st.uplinks.filter((u) => u.active).length, st.active === null ? 0 : 1);
  const active = st.uplinks.find((u) => u.active);
  const reason = st.decision?.kind === 'stay' ? st.decision.reason : null;
  if (!active) {
    if (reason !== 'awaiting-probes')
      assert.ok(!st.uplinks.some(eligible), `no active uplink although ${st.uplinks.find(eligible)?.id} is usable`);
    return;
  }
  if (active.state === 'down') {
    const better = st.uplinks.find((u) => !u.active && eligible(u));
    assert.equal(better, undefined, `kept ${active.id} (down) although ${better?.id} is ${better?.state}`);
  }
}

function checkTarget(r: Rig, e: SwitchStartEvent): void {
  const st = r.engine.status();
  const to = st.uplinks.find((u) => u.id === e.to)!;
  if (e.reason === 'failback') {
    assert.equal(to.state, 'up', 'failback only to an up uplink');
    assert.equal(to.suppressed, false, 'failback never to a suppressed uplink');
    return;
  }
  if (e.reason !== 'failover' && e.reason !== 'initial') return;
  assert.ok(usable(to) || (to.state === 'down' && to.answering), `switch to ${to.id} in state ${to.state}`);
  const fresh = st.uplinks.filter((u) => u.id !== e.from && eligible(u) && !u.suppressed);
  const bestUp = fresh.filter((u) => u.state === 'up').sort((a, b) => a.priority - b.priority)[0];
  if (bestUp) {
    assert.ok(to.state === 'up' && !to.suppressed, `chose ${to.id} (${to.state}) over ${bestUp.id} (up)`);
    assert.ok(to.priority <= bestUp.priority, `chose ${to.id} over better ${bestUp.id}`);
  }
}

describe('engine: properties over random faults', function () {
  this.timeout(240_000);
  afterEach(cleanupRigs);

  it('keeps its invariants under any sequence of faults', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const ids = ['fiber', 'dsl', 'lte'].slice(0, sc.uplinks);
        const r = rig({
          uplinks: ids.map((id, i) => ({ id, priority: (i + 1) * 10, targets: TARGETS })),
          settings: { failback: { delayMs: sc.delayMs, mode: sc.mode, minDwellMs: sc.delayMs === 0 ? 0 : 30_000 } },
          seed: sc.seed,
        });
        let activeDowns = 0;
        let wasDead = false;
        const starts: SwitchStartEvent[] = [];
        let inFlight: string | null = null;
        r.engine.on('uplink:state', (e) => {
          if (e.to === 'down' && (r.engine.status().active === e.uplink || inFlight === e.uplink)) activeDowns++;
        });
        r.engine.on('probe', (e) => {
          const active = r.engine.status().uplinks.find((u) => u.active);
          if (active?.id !== e.uplink) return;
          const dead = active.state === 'down' && !active.answering;
          if (dead && !wasDead && active.since < e.at) activeDowns++; // a down last resort stopped answering
          wasDead = dead;
        });
        r.engine.on('switch:done', () => {
          wasDead = false;
          inFlight = null;
        });
        let lastResorts = 0;
        r.engine.on('switch:failed', () => (inFlight = null));
        r.engine.on('switch:start', (e) => {
          inFlight = e.to;
          starts.push(e);
          checkTarget(r, e);
          if (r.engine.status().uplinks.find((u) => u.id === e.to)?.state === 'down') lastResorts++;
        });
        try {
          await r.engine.start();
          for (const seg of sc.segments) {
            seg.faults.forEach((f, i) => apply(r, ids[i]!, f));
            const end = Date.now() + seg.durationMs;
            while (Date.now() < end) {
              await r.tick(Math.min(50, end - Date.now()));
              checkIdle(r);
            }
          }
          assert.equal(r.net.overlaps, 0, 'activations never overlap');
          const count = (reason: string) => starts.filter((e) => e.reason === reason).length;
          const failovers = count('failover');
          assert.ok(
            failovers <= activeDowns + lastResorts,
            `${failovers} failovers for ${activeDowns} times the active uplink got worse and ${lastResorts} last resorts`,
          );
          const downward = failovers + count('rollback');
          assert.ok(
            count('failback') <= (downward + 1) * (ids.length - 1),
            `${count('failback')} failbacks, ${downward} failovers and rollbacks`,
          );
          assert.ok(count('initial') <= 1);
          assert.ok(count('rollback') <= r.failures.length, 'a rollback only follows a failed switch');
          assert.equal(
            starts.length,
            count('initial') + failovers + count('failback') + count('rollback'),
            'no other kind of switch',
          );
        } finally {
          await r.stop();
        }
      }),
      { numRuns: 60, seed: 20261121, endOnFailure: true },
    );
  });

  it('on dark standby keeps one active uplink and spaces failed trials by their back-off', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment(2), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 1e6 }),
        async (segments, seed) => {
          const r = rig({
            net: { standbyProbing: false },
            settings: { failback: { delayMs: 30_000, trialWindowMs: 5_000 } },
            seed,
          });
          const trials: number[] = [];
          r.engine.on('switch:start', (e) => {
            if (e.reason === 'failback') trials.push(e.at);
          });
          try {
            await r.engine.start();
            for (const seg of segments) {
              seg.faults.forEach((f, i) => apply(r, ['fiber', 'lte'][i]!, f));
              const end = Date.now() + seg.durationMs;
              while (Date.now() < end) {
                await r.tick(Math.min(50, end - Date.now()));
                const st = r.engine.status();
                if (!st.busy) assert.equal(st.active, r.net.route);
                if (r.switches.length > 0) assert.notEqual(r.net.route, null, 'never without a route once one was set');
              }
            }
            assert.equal(r.net.overlaps, 0);
            trials.slice(1).forEach((t, i) => assert.ok(t - trials[i]! >= 30_000, 'trials at least one delay apart'));
          } finally {
            await r.stop();
          }
        },
      ),
      { numRuns: 30, seed: 20261122, endOnFailure: true },
    );
  });
});
