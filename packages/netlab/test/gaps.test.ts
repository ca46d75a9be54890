import assert from 'node:assert/strict';
import { findGaps } from '../src/gaps.js';

/** A stream sent every `interval` ms from t=1000, with the given seqs arriving 0.2 ms after sending. */
function stream(sent: number, interval: number, drop: (seq: number) => boolean) {
  const seqs: number[] = [];
  const arrivals: number[] = [];
  for (let s = 0; s < sent; s++) {
    if (drop(s)) continue;
    seqs.push(s);
    arrivals.push(1000 + s * interval + 0.2);
  }
  return { seqs, arrivals, sent, firstSendMs: 1000, lastSendMs: 1000 + (sent - 1) * interval, minGapMs: 25 };
}

describe('traffic meter gaps', () => {
  it('reports no gap when every packet arrives on time', () => {
    const report = findGaps(stream(200, 5, () => false));
    assert.deepEqual(report.gaps, []);
    assert.equal(report.longestGapMs, 0);
    assert.equal(report.lost, 0);
    assert.equal(report.received, 200);
  });

  it('reports a 100 ms outage as one gap of 100 ms with the packets lost in it', () => {
    const report = findGaps(stream(200, 5, (s) => s >= 50 && s < 69));
    assert.equal(report.gaps.length, 1);
    assert.equal(report.gaps[0]!.lost, 19);
    assert.ok(Math.abs(report.gaps[0]!.durationMs - 100) < 0.01, `gap ${report.gaps[0]!.durationMs}`);
    assert.ok(Math.abs(report.gaps[0]!.startMs - 245.2) < 0.01);
    assert.equal(report.longestGapMs, report.gaps[0]!.durationMs);
  });

  it('ignores silences shorter than the minimum gap', () => {
    const report = findGaps(stream(200, 5, (s) => s === 10 || s === 11 || s === 12));
    assert.deepEqual(report.gaps, []);
    assert.equal(report.lost, 3);
  });

  it('reports an outage still going on when the stream stopped, up to the last send', () => {
    const report = findGaps(stream(100, 5, (s) => s >= 80));
    assert.equal(report.gaps.length, 1);
    assert.equal(report.gaps[0]!.lost, 20);
    assert.ok(Math.abs(report.gaps[0]!.durationMs - (495 - 395.2)) < 0.01);
  });

  it('reports an outage from the very start, measured from the first send', () => {
    const report = findGaps(stream(100, 5, (s) => s < 10));
    assert.equal(report.gaps.length, 1);
    assert.equal(report.gaps[0]!.startMs, 0);
    assert.equal(report.gaps[0]!.lost, 10);
  });

  it('names the longest of several gaps', () => {
    const report = findGaps(stream(400, 5, (s) => (s >= 20 && s < 30) || (s >= 100 && s < 160)));
    assert.equal(report.gaps.length, 2);
    assert.ok(Math.abs(report.longestGapMs - 305) < 0.01);
  });
});
