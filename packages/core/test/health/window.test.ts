import assert from 'node:assert/strict';
import { TargetWindow } from '../../src/health/window.js';

describe('TargetWindow', () => {
  it('computes loss, mean RTT and population jitter over the last N results only', () => {
    const w = new TargetWindow(4);
    w.push({ ok: true, rttMs: 100 }, 1);
    w.push({ ok: false, reason: 'timeout', detail: 'timeout' }, 2);
    for (const rtt of [10, 20, 30]) w.push({ ok: true, rttMs: rtt }, 3);
    const s = w.stats();
    assert.equal(s.samples, 4);
    assert.equal(s.lossPct, 25);
    assert.equal(s.rttMs, 20);
    assert.ok(Math.abs(s.jitterMs! - Math.sqrt(200 / 3)) < 1e-9);
    assert.equal(s.lastSuccessAt, 3);
  });

  it('reports no RTT while nothing in the window answered, and remembers the last error', () => {
    const w = new TargetWindow(3);
    w.push({ ok: false, reason: 'unreachable', detail: 'ENETUNREACH' }, 5);
    assert.deepEqual(
      { rtt: w.stats().rttMs, jitter: w.stats().jitterMs, loss: w.stats().lossPct, err: w.stats().lastError },
      { rtt: null, jitter: null, loss: 100, err: 'ENETUNREACH' },
    );
  });

  it('clears the ring but keeps the RTT estimator', () => {
    const w = new TargetWindow(5);
    for (let i = 0; i < 5; i++) w.push({ ok: true, rttMs: 80 }, i);
    const before = w.autoTimeout(1, 10_000);
    w.clear();
    assert.equal(w.stats().samples, 0);
    assert.equal(w.autoTimeout(1, 10_000), before);
  });

  it('derives the automatic timeout like TCP RTO: SRTT + 4·RTTVAR, clamped', () => {
    const w = new TargetWindow(5);
    assert.equal(w.autoTimeout(200, 1000), 1000, 'the maximum before any answer');
    w.push({ ok: true, rttMs: 100 }, 0); // srtt 100, rttvar 50 → 300
    assert.equal(w.autoTimeout(200, 1000), 300);
    for (let i = 0; i < 50; i++) w.push({ ok: true, rttMs: 10 }, i);
    assert.equal(w.autoTimeout(200, 1000), 200, 'never below the minimum');
    for (let i = 0; i < 50; i++) w.push({ ok: true, rttMs: 600 }, i);
    assert.ok(w.autoTimeout(200, 1000) >= 600 && w.autoTimeout(200, 1000) <= 1000);
  });
});
