/**
 * The charts' history: 10-second points folded into minutes that keep the
 * minimum, the maximum and the worst state, on disk for a day, bounded, and
 * read back after a restart. Time is given explicitly (the points' own
 * instants), so nothing waits.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { COARSE_MS, FINE_MS, SAMPLES_FILE, SampleHistory, type Sample } from '@wanwatch/agent';
import type { UplinkState } from '@wanwatch/core';
import { TempDir } from '../support/tmp.js';

const T0 = Date.UTC(2026, 10, 21, 8, 0, 0);
const UPLINKS = ['fiber', 'lte'] as const;

/**
 * Feeds `seconds` of rounds (two a second, three targets, 20 ms on fiber and 45 ms on lte) from `from`,
 * closing a point every 10 s; `outage(t)` says when fiber's probes are all lost.
 */
function feed(h: SampleHistory, from: number, seconds: number, outage: (t: number) => boolean = () => false): number {
  let state: UplinkState = 'up';
  for (let ms = 500; ms <= seconds * 1000; ms += 500) {
    const t = from + ms;
    const out = outage(t);
    h.round('fiber', 3, out ? 0 : 3, out ? null : 20 + (ms % 3000 === 0 ? 4 : 0));
    h.round('lte', 3, 3, 45);
    if (out && state === 'up') h.state('fiber', (state = 'down'));
    if (!out && state === 'down') h.state('fiber', (state = 'up'));
    if (t % FINE_MS === 0)
      h.close(
        t,
        state === 'up' ? 'fiber' : 'lte',
        UPLINKS.map((id) => ({ id, state: id === 'fiber' ? state : 'up' })),
      );
  }
  return from + seconds * 1000;
}

const of = (s: Sample | undefined, id: string) => s?.uplinks.find((u) => u.id === id);

describe('the charts’ sample history', () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  it('makes 10-second points with the RTT mean, minimum and maximum, the loss and the worst state', () => {
    const h = new SampleHistory();
    feed(h, T0, 30, (t) => t > T0 + 20_000 && t <= T0 + 24_000);
    const [first, , third] = h.range(3_600_000, T0 + 30_000).points;
    assert.deepEqual(of(first, 'fiber'), {
      id: 'fiber',
      state: 'up',
      worst: 'up',
      rttMs: 20.6,
      rttMinMs: 20,
      rttMaxMs: 24,
      lossPct: 0,
      lossMaxPct: 0,
      sent: 60,
      lost: 0,
      rounds: 20,
    });
    // 4 s without answers in the third 10 s: 8 of 20 rounds lost, down then up again.
    assert.equal(of(third, 'fiber')!.lossPct, 40);
    assert.equal(of(third, 'fiber')!.worst, 'down');
    assert.equal(of(third, 'fiber')!.state, 'up');
    assert.equal(third!.spanMs, FINE_MS);
  });

  it('keeps a 4-second outage visible in the day view: its minute is down with its worst 10 s of loss', () => {
    const h = new SampleHistory();
    const end = feed(h, T0, 600, (t) => t > T0 + 200_000 && t <= T0 + 204_000);
    const day = h.range(24 * 3_600_000, end);
    assert.equal(day.stepMs, COARSE_MS);
    assert.equal(day.points.length, 10);
    assert.ok(day.points.every((p) => p.spanMs === COARSE_MS));
    const minute = day.points.find((p) => p.at === T0 + 240_000)!;
    assert.equal(of(minute, 'fiber')!.worst, 'down', 'the outage marks its minute');
    assert.equal(of(minute, 'fiber')!.state, 'up');
    assert.equal(of(minute, 'fiber')!.lossMaxPct, 40, 'the worst 10 s, not the minute average');
    assert.equal(of(minute, 'fiber')!.lossPct, 6.7);
    assert.equal(minute.uplinks.length, 2);
    for (const p of day.points.filter((x) => x !== minute)) assert.equal(of(p, 'fiber')!.worst, 'up');
  });

  it('says which uplink carried traffic most of each minute', () => {
    const h = new SampleHistory();
    const carried = ['lte', 'lte', 'fiber', 'fiber', 'fiber', 'fiber', 'lte', 'lte', 'lte', 'lte', 'fiber', 'fiber'];
    for (const [i, active] of carried.entries())
      h.close(T0 + (i + 1) * FINE_MS, active, [{ id: 'fiber', state: 'up' }]);
    assert.deepEqual(
      h.range(24 * 3_600_000, T0 + 120_000).points.map((p) => p.active),
      ['fiber', 'lte'],
    );
  });

  it('survives a restart: a new history reads the minutes from the state directory', async () => {
    const before = new SampleHistory();
    before.persistTo(dir.path, undefined, T0);
    const stopped = feed(before, T0, 185, (t) => t > T0 + 100_000 && t <= T0 + 104_000);
    await before.flush(stopped); // the agent stops: the 5 s so far and their minute are written too
    const lines = readFileSync(dir.join(SAMPLES_FILE), 'utf8').trim().split('\n');
    assert.equal(lines.length, 4, 'three whole minutes and the part of the fourth');
    assert.equal(statSync(dir.join(SAMPLES_FILE)).mode & 0o777, 0o600);

    const after = new SampleHistory();
    after.persistTo(dir.path, undefined, stopped + 30_000);
    const now = feed(after, stopped + 30_000, 60);
    const hour = after.range(3_600_000, now);
    assert.equal(hour.stepMs, FINE_MS);
    // The minutes before the restart, then this run's 10-second points.
    assert.deepEqual(
      hour.points.filter((p) => p.at <= stopped).map((p) => [p.at - T0, p.spanMs]),
      [
        [60_000, COARSE_MS],
        [120_000, COARSE_MS],
        [180_000, COARSE_MS],
        [185_000, 5_000], // the minute the agent stopped in ends where its data does
      ],
    );
    assert.equal(of(hour.points[1], 'fiber')!.worst, 'down', 'the outage before the restart is still there');
    assert.ok(hour.points.filter((p) => p.at > stopped).every((p) => p.spanMs === FINE_MS));
    const day = after.range(24 * 3_600_000, now);
    assert.deepEqual(
      day.points.map((p) => [p.at - T0, p.spanMs]),
      [
        [60_000, COARSE_MS],
        [120_000, COARSE_MS],
        [180_000, COARSE_MS],
        [185_000, 5_000],
        [240_000, 30_000], // this run's points of the minute: 210 s to 240 s
        [270_000, 30_000], // the minute so far
      ],
    );
    assert.equal(of(day.points[3], 'fiber')!.sent, 10 * 3, 'the 5 s before the stop');
  });

  it('stays bounded on disk and in memory, and still has a whole day after three', async () => {
    const h = new SampleHistory();
    h.persistTo(dir.path, undefined, T0);
    const DAY = 24 * 3_600_000;
    let t = T0;
    for (let i = 0; i < (3 * DAY) / FINE_MS; i++) {
      t += FINE_MS;
      h.round('fiber', 3, 3, 20);
      h.close(t, 'fiber', [{ id: 'fiber', state: 'up' }]);
    }
    await h.flush(t);
    const day = h.range(DAY, t);
    assert.equal(day.points.length, 1440);
    const live = readFileSync(dir.join(SAMPLES_FILE), 'utf8').trim().split('\n');
    const older = readFileSync(dir.join(`${SAMPLES_FILE}.1`), 'utf8')
      .trim()
      .split('\n');
    assert.ok(live.length <= 1441 && older.length <= 1441, `${live.length} + ${older.length} lines`);
    assert.ok(live.length + older.length >= 1440, 'a day is always on disk');
    const bytes = statSync(dir.join(SAMPLES_FILE)).size + statSync(dir.join(`${SAMPLES_FILE}.1`)).size;
    assert.ok(bytes < 2 * 1441 * 250, `${bytes} bytes for one uplink over two days`);
    assert.equal(h.recent().length, 360, 'an hour of 10-second points in memory');
  });

  it('skips a line torn by a crash', () => {
    const good = { at: T0 + 60_000, spanMs: COARSE_MS, active: 'fiber', uplinks: [] };
    writeFileSync(dir.join(SAMPLES_FILE), `${JSON.stringify(good)}\n{"at":${T0 + 120_000},"spa`);
    const h = new SampleHistory();
    h.persistTo(dir.path, undefined, T0 + 130_000);
    assert.deepEqual(h.range(3_600_000, T0 + 130_000).points, [good]);
  });
});
