import assert from 'node:assert/strict';
import { poolStats } from '../../src/health/level.js';
import { UplinkHealth, type RoundResult, type StateChange } from '../../src/health/tracker.js';
import { DEFAULT_SETTINGS, settingsForUplink, type Uplink } from '../../src/index.js';
import type { ProbeResult } from '../../src/interfaces/probe.js';

const uplink: Uplink = { id: 'fiber', priority: 10, targets: ['a', 'b', 'c'] };
const ok = (rttMs = 20): ProbeResult => ({ ok: true, rttMs });
const lost: ProbeResult = { ok: false, reason: 'timeout', detail: 'timeout' };
const round = (...r: ProbeResult[]): RoundResult[] => r.map((result, i) => ({ target: 'abc'[i]!, result }));

function tracker(over: Uplink['health'] = {}, reliability = 1) {
  return new UplinkHealth(
    { ...uplink, health: over, probe: { reliability } },
    settingsForUplink(DEFAULT_SETTINGS, { ...uplink, health: over, probe: { reliability } }),
    0,
  );
}

function feed(h: UplinkHealth, times: number, r: RoundResult[]): StateChange[] {
  const changes: StateChange[] = [];
  for (let i = 0; i < times; i++) {
    const c = h.recordRound(r, i);
    if (c) changes.push(c);
  }
  return changes;
}

describe('UplinkHealth', () => {
  it('starts unknown and becomes up after `up` good rounds, not before', () => {
    const h = tracker();
    assert.equal(h.state, 'unknown');
    assert.equal(feed(h, 5, round(ok(), ok(), ok())).length, 0);
    const [c] = feed(h, 1, round(ok(), ok(), ok()));
    assert.equal(c?.to, 'up');
  });

  it('goes down after `down` consecutive failed rounds and not after fewer', () => {
    const h = tracker();
    feed(h, 30, round(ok(), ok(), ok()));
    assert.equal(feed(h, 3, round(lost, lost, lost)).length, 0);
    assert.equal(h.phase(), 'failing');
    assert.equal(h.intervalMs(), 200);
    feed(h, 1, round(ok(), lost, lost));
    assert.equal(feed(h, 3, round(lost, lost, lost)).length, 0, 'one good round resets the streak');
    const [c] = feed(h, 1, round(lost, lost, lost));
    assert.equal(c?.to, 'down');
    assert.match(c.reason, /4 rounds failed: 0 of 3 targets answered, 1 needed: timeout/);
  });

  it('needs `reliability` answers for a round to pass', () => {
    const h = tracker({}, 2);
    feed(h, 30, round(ok(), ok(), ok()));
    const changes = feed(h, 4, round(ok(), lost, lost));
    assert.equal(changes.at(-1)?.to, 'down');
  });

  it('marks the uplink down at once on carrier loss and keeps it down until the carrier returns', () => {
    const h = tracker();
    feed(h, 30, round(ok(), ok(), ok()));
    assert.equal(h.carrierChanged('down', 100)?.to, 'down');
    assert.equal(feed(h, 20, round(ok(), ok(), ok())).length, 0, 'answers do not lift a carrier-down uplink');
    h.carrierChanged('up', 200);
    assert.equal(feed(h, 6, round(ok(), ok(), ok())).at(-1)?.to, 'up');
  });

  it('goes down at once when every probe finds the device down, even without link events', () => {
    const h = tracker();
    feed(h, 30, round(ok(), ok(), ok()));
    const gone: ProbeResult = { ok: false, reason: 'link-down', detail: 'ENETDOWN: wan2 has no carrier' };
    const [c] = feed(h, 1, round(gone, gone, gone));
    assert.equal(c?.to, 'down');
    assert.match(c.reason, /link down: .*ENETDOWN/);
    const mixed = tracker();
    feed(mixed, 30, round(ok(), ok(), ok()));
    assert.equal(feed(mixed, 1, round(gone, gone, lost)).length, 0, 'a plain timeout among them is not proof');
  });

  it("reads the probe's typed reason, not the wording of its detail", () => {
    const bsd = tracker();
    feed(bsd, 30, round(ok(), ok(), ok()));
    const unconfigured: ProbeResult = { ok: false, reason: 'link-down', detail: 'ENXIO' };
    assert.equal(feed(bsd, 1, round(unconfigured, unconfigured, unconfigured))[0]?.to, 'down', 'FreeBSD: device gone');
    const words = tracker();
    feed(words, 30, round(ok(), ok(), ok()));
    const lookalike: ProbeResult = { ok: false, reason: 'error', detail: 'ENETDOWN-ish text from a custom probe' };
    assert.equal(feed(words, 1, round(lookalike, lookalike, lookalike)).length, 0, 'only the reason counts');
  });

  it('calls an uplink whose device does not exist down for "no such device", and not answering', () => {
    const h = tracker();
    const missing: ProbeResult = { ok: false, reason: 'no-device', detail: 'ENODEV: eth9 does not exist' };
    const [c] = feed(h, 1, round(missing, missing, missing));
    assert.equal(c?.to, 'down');
    assert.equal(c.reason, 'no such device: eth9 does not exist');
    assert.equal(h.snapshot().answering, false, 'never a "poor but answering" candidate');
    const down = tracker();
    feed(down, 30, round(ok(), ok(), ok()));
    const gone: ProbeResult = { ok: false, reason: 'link-down', detail: 'ENETDOWN: wan2 is down' };
    feed(down, 1, round(gone, gone, gone));
    assert.equal(down.snapshot().answering, false);
  });

  it('pools targets and leaves a silent target out of the pool', () => {
    const h = tracker();
    feed(h, 40, round(ok(), ok(), lost));
    const snap = h.snapshot();
    assert.equal(snap.state, 'up');
    assert.equal(snap.targets.find((t) => t.target === 'c')?.pooled, false);
    assert.equal(snap.metrics.lossPct, 0);
  });

  it('calls an answering uplink with loss between the two thresholds degraded, not down', () => {
    const h = tracker();
    feed(h, 30, round(ok(), ok(), ok()));
    // 25 % loss on every target: one in four rounds loses everything
    for (let i = 0; i < 40; i++) h.recordRound(i % 4 === 0 ? round(lost, lost, lost) : round(ok(), ok(), ok()), i);
    assert.equal(h.state, 'degraded');
    assert.match(h.snapshot().reason, /loss \d+(\.\d)?% > 10% \(recovery threshold\)/);
  });

  it('goes down when latency stays beyond the failure threshold, and returns only within the recovery one', () => {
    const h = tracker();
    feed(h, 30, round(ok(), ok(), ok()));
    const changes = feed(h, 40, round(ok(900), ok(900), ok(900)));
    assert.equal(changes.at(-1)?.to, 'down');
    // A step from 20 ms to 900 ms first shows as jitter while the window holds both.
    assert.match(changes.at(-1)!.reason, /latency|jitter/);
    assert.equal(feed(h, 40, round(ok(600), ok(600), ok(600))).length, 0, '600 ms is not yet within 400 ms');
    assert.equal(feed(h, 40, round(ok(50), ok(50), ok(50))).at(-1)?.to, 'up');
  });

  it('judges recovery after an outage on fresh samples', () => {
    const h = tracker();
    feed(h, 30, round(ok(), ok(), ok()));
    feed(h, 25, round(lost, lost, lost));
    assert.equal(h.state, 'down');
    const changes = feed(h, 6, round(ok(), ok(), ok()));
    assert.equal(changes.at(-1)?.to, 'up', 'six good rounds suffice although the window was full of losses');
  });

  it('forgets a dark standby uplink: unknown, empty windows', () => {
    const h = tracker();
    feed(h, 30, round(ok(), ok(), ok()));
    assert.equal(h.forget(5, 'dark')?.to, 'unknown');
    assert.equal(h.snapshot().targets[0]?.samples, 0);
  });

  it('starts down with initialState down', () => {
    assert.equal(tracker({ initialState: 'down' }).state, 'down');
  });
});

describe('poolStats', () => {
  it('weights RTT by answers and takes the RMS of per-target deviations as jitter', () => {
    const base = { lastSuccessAt: null, lastError: null };
    const m = poolStats([
      { ...base, samples: 10, lost: 0, lossPct: 0, rttMs: 10, jitterMs: 3 },
      { ...base, samples: 10, lost: 5, lossPct: 50, rttMs: 40, jitterMs: 4 },
    ]);
    assert.equal(m.lossPct, 25);
    assert.equal(m.rttMs, 20);
    assert.ok(Math.abs(m.jitterMs! - Math.sqrt((9 * 10 + 16 * 5) / 15)) < 1e-9);
  });
});
