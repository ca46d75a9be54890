/**
 * The measurements behind the status page's charts: RTT, loss and state of
 * every uplink, and which one carried traffic, over time.
 *
 * Every probe round and state change is folded into 10-second points
 * (RTT mean, min and max of the rounds; loss of the probes sent; the state
 * at the end and the worst state seen), kept for the last hour in memory.
 * Those fold into 1-minute points the same way (min and max of min and
 * max, the highest 10-second loss, the worst state), kept for 24 hours and
 * appended to `samples.jsonl` in the state directory, so history survives a
 * restart and a 4-second outage is still visible a day later: its minute
 * shows state `down` and the loss of its worst 10 seconds.
 *
 * The file holds one minute per line; when its first minute is more than
 * 24 hours old it becomes `samples.jsonl.1` (the previous one is deleted),
 * so at most two days are on disk and a day can always be read. A minute
 * is about 50 bytes plus 130 per uplink: 2 uplinks, 2 days ≈ 0.9 MB;
 * {@link MAX_FILE_BYTES} caps a file whatever the number of uplinks. One
 * append a minute (no fsync: a chart may lose its last minute to a power
 * cut, a router's flash is spared a write every few seconds).
 */
import { appendFile, mkdir, rename } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UplinkState } from '@wanwatch/core';

/** One uplink over one point's span. */
export interface UplinkSample {
  readonly id: string;
  /** State at the end of the span. */
  readonly state: UplinkState;
  /** Worst state during the span (down > degraded > unknown > up). */
  readonly worst: UplinkState;
  /** Mean RTT of the span's probe rounds, ms; null when nothing answered. */
  readonly rttMs: number | null;
  readonly rttMinMs: number | null;
  readonly rttMaxMs: number | null;
  /** Probes lost / sent over the span, %; null when none was sent. */
  readonly lossPct: number | null;
  /** The highest loss of a 10-second part of the span, %. */
  readonly lossMaxPct: number | null;
  /** Probes sent and lost in the span, and its rounds that had an answer (the weight of its RTT mean). */
  readonly sent: number;
  readonly lost: number;
  readonly rounds: number;
}

/** Every uplink over one span, ending at `at`. */
export interface Sample {
  /** End of the span (ms since the epoch). */
  readonly at: number;
  /** Length of the span, ms (10 s or 1 min). */
  readonly spanMs: number;
  /** The uplink carrying traffic: at the end of a 10-second point; for most of a minute. */
  readonly active: string | null;
  readonly uplinks: readonly UplinkSample[];
}

/** Points of a range, oldest first. */
export interface SampleRange {
  readonly from: number;
  readonly to: number;
  /** The resolution asked for: 10 s up to an hour, 1 min beyond (older parts of a short range may be minutes). */
  readonly stepMs: number;
  readonly points: readonly Sample[];
}

export const FINE_MS = 10_000;
export const COARSE_MS = 60_000;
const HOUR = 3_600_000;
/** How far back the charts go. */
export const MAX_RANGE_MS = 24 * HOUR;
/** A samples file is rotated past this size even if it holds less than a day (many uplinks). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
export const SAMPLES_FILE = 'samples.jsonl';

const SEVERITY: Readonly<Record<UplinkState, number>> = { up: 0, unknown: 1, degraded: 2, down: 3 };
const worse = (a: UplinkState | null, b: UplinkState): UplinkState => (a === null || SEVERITY[b] > SEVERITY[a] ? b : a);

/** One uplink's measurements being gathered. */
interface Accumulator {
  state: UplinkState;
  /** Worst state entered in the span; null before any is known. */
  worst: UplinkState | null;
  rounds: number;
  rttSum: number;
  rttMin: number | null;
  rttMax: number | null;
  sent: number;
  lost: number;
  lossMax: number | null;
}

const fresh = (state: UplinkState, known = true): Accumulator => ({
  state,
  worst: known ? state : null,
  rounds: 0,
  rttSum: 0,
  rttMin: null,
  rttMax: null,
  sent: 0,
  lost: 0,
  lossMax: null,
});

const round1 = (n: number) => Math.round(n * 10) / 10;
const min = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

function sampleOf(id: string, a: Accumulator): UplinkSample {
  const lossPct = a.sent === 0 ? null : round1((a.lost / a.sent) * 100);
  return {
    id,
    state: a.state,
    worst: a.worst ?? a.state,
    rttMs: a.rounds === 0 ? null : round1(a.rttSum / a.rounds),
    rttMinMs: a.rttMin === null ? null : round1(a.rttMin),
    rttMaxMs: a.rttMax === null ? null : round1(a.rttMax),
    lossPct,
    lossMaxPct: max(a.lossMax, lossPct),
    sent: a.sent,
    lost: a.lost,
    rounds: a.rounds,
  };
}

/** Folds a finished point of one uplink into a longer span. */
function fold(into: Accumulator, s: UplinkSample): void {
  into.state = s.state;
  into.worst = worse(into.worst, s.worst);
  if (s.rttMs !== null) {
    into.rttSum += s.rttMs * s.rounds;
    into.rounds += s.rounds;
  }
  into.rttMin = min(into.rttMin, s.rttMinMs);
  into.rttMax = max(into.rttMax, s.rttMaxMs);
  into.sent += s.sent;
  into.lost += s.lost;
  into.lossMax = max(into.lossMax, s.lossMaxPct);
}

/** Two points of the same minute (the agent restarted within it) as one. */
function merge(a: Sample, b: Sample): Sample {
  const ids = [...new Set([...a.uplinks, ...b.uplinks].map((u) => u.id))];
  const uplinks = ids.map((id) => {
    const parts = [a, b].flatMap((p) => p.uplinks.filter((u) => u.id === id));
    const acc = fresh(parts[0]!.worst);
    for (const part of parts) fold(acc, part);
    return sampleOf(id, acc);
  });
  return { at: a.at, spanMs: a.spanMs, active: b.active, uplinks };
}

/** Parses samples.jsonl text; torn or foreign lines are skipped. */
export function parseSampleLines(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const s = JSON.parse(line) as Sample;
      if (typeof s.at === 'number' && Array.isArray(s.uplinks)) out.push(s);
    } catch {
      // a line torn by a crash
    }
  }
  return out;
}

/**
 * @example
 * ```ts
 * const samples = new SampleHistory();
 * samples.persistTo('/var/lib/wanwatch');          // load what an earlier run kept, append from now on
 * samples.round('fiber', 3, 3, 21.5);              // each probe round: sent, answered, mean RTT
 * samples.state('fiber', 'down');                  // each state change
 * samples.close(Date.now(), 'lte', [{ id: 'fiber', state: 'down' }]); // every 10 s
 * samples.range(24 * 3_600_000, Date.now());       // what the 24 h chart shows
 * ```
 */
export class SampleHistory {
  private readonly fine: Sample[] = [];
  private readonly coarse: Sample[] = [];
  private readonly open = new Map<string, Accumulator>();
  /** The minute being gathered: its end, and the end of its last 10-second point. */
  private minute: {
    end: number;
    /** Where its first 10-second point began (a minute the agent started in is shorter). */
    first: number;
    last: number;
    /** Time each uplink (or none) carried traffic, from the 10-second points. */
    active: Map<string | null, number>;
    uplinks: Map<string, Accumulator>;
  } | null = null;
  private dir: string | null = null;
  /** When the live file's first minute ended (null: empty or not yet known). */
  private fileStart: number | null = null;
  private fileBytes = 0;
  private writes: Promise<void> = Promise.resolve();
  private failing = false;
  private warn: ((message: string) => void) | undefined;
  /** The end of the last minute an earlier run left on disk: the hour view shows those, and this run's 10-second points. */
  private loadedUntil = -Infinity;
  /** When the 10-second point being gathered began (null: unknown, taken as a whole 10 s). */
  private openedAt: number | null = null;
  /** The engine's view at the last point: what a final point at `flush` uses. */
  private last: { active: string | null; states: readonly { id: string; state: UplinkState }[] } | null = null;

  /**
   * Keeps the 1-minute points in `dir` from now on, after loading the last
   * 24 h an earlier run kept there. A failed write goes to `warn` (once
   * until writing works again).
   */
  persistTo(dir: string, warn?: (message: string) => void, now = Date.now()): void {
    if (this.dir === dir) return;
    this.dir = dir;
    this.warn = warn;
    const read = (file: string) => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch {
        return '';
      }
    };
    const live = read(SAMPLES_FILE);
    const loaded = [...parseSampleLines(read(`${SAMPLES_FILE}.1`)), ...parseSampleLines(live)];
    this.fileBytes = Buffer.byteLength(live);
    this.fileStart = parseSampleLines(live)[0]?.at ?? null;
    const known = new Map(this.coarse.map((s) => [s.at, s]));
    for (const s of loaded)
      if (s.at > now - MAX_RANGE_MS) known.set(s.at, known.has(s.at) ? merge(s, known.get(s.at)!) : s);
    this.coarse.splice(0, this.coarse.length, ...[...known.values()].sort((a, b) => a.at - b.at));
    this.loadedUntil = this.coarse.at(-1)?.at ?? -Infinity;
  }

  /** Measuring begins at `at` (the first point covers only the time since). */
  begin(at: number): void {
    this.openedAt ??= at;
  }

  /** One probe round of `uplink`: probes sent and answered, and the mean RTT of the answers. */
  round(uplink: string, sent: number, answered: number, rttMs: number | null): void {
    const a = this.accumulator(uplink);
    a.sent += sent;
    a.lost += sent - answered;
    if (rttMs !== null) {
      a.rounds++;
      a.rttSum += rttMs;
      a.rttMin = min(a.rttMin, rttMs);
      a.rttMax = max(a.rttMax, rttMs);
    }
  }

  /** A state change of `uplink`. */
  state(uplink: string, state: UplinkState): void {
    const a = this.accumulator(uplink);
    a.state = state;
    a.worst = worse(a.worst, state);
  }

  private accumulator(uplink: string): Accumulator {
    let a = this.open.get(uplink);
    if (!a) this.open.set(uplink, (a = fresh('unknown', false)));
    return a;
  }

  /**
   * Ends the 10-second point at `at` (the engine's view then: the active
   * uplink, each uplink's state) and starts the next; returns the point.
   */
  close(at: number, active: string | null, states: readonly { id: string; state: UplinkState }[]): Sample {
    this.last = { active, states };
    const uplinks = states.map(({ id, state }) => {
      const a = this.open.get(id) ?? fresh(state);
      a.state = state;
      a.worst = worse(a.worst, state);
      return sampleOf(id, a);
    });
    this.open.clear();
    for (const { id, state } of states) this.open.set(id, fresh(state));
    const spanMs = this.openedAt === null ? FINE_MS : Math.min(FINE_MS, Math.max(0, at - this.openedAt));
    this.openedAt = at;
    const point: Sample = { at, spanMs, active, uplinks };
    this.fine.push(point);
    while (this.fine.length > 0 && this.fine[0]!.at <= at - HOUR) this.fine.shift();
    this.addToMinute(point);
    return point;
  }

  private addToMinute(point: Sample): void {
    const end = Math.ceil(point.at / COARSE_MS) * COARSE_MS;
    if (this.minute && this.minute.end !== end) this.closeMinute();
    this.minute ??= { end, first: point.at - point.spanMs, last: point.at, active: new Map(), uplinks: new Map() };
    this.minute.active.set(point.active, (this.minute.active.get(point.active) ?? 0) + point.spanMs);
    this.minute.last = point.at;
    for (const u of point.uplinks) {
      let a = this.minute.uplinks.get(u.id);
      if (!a) this.minute.uplinks.set(u.id, (a = fresh(u.worst)));
      fold(a, u);
    }
    if (point.at >= end) this.closeMinute();
  }

  /**
   * The minute being gathered as a point so far (null when there is none):
   * it ends with its last 10-second point, so a minute cut short by a stop
   * says so (a shorter span) instead of claiming time to come.
   */
  private minuteSoFar(): Sample | null {
    const m = this.minute;
    if (!m) return null;
    const longest = [...m.active].reduce((a, b) => (b[1] > a[1] ? b : a));
    return {
      at: m.last,
      spanMs: m.last - m.first,
      active: longest[0],
      uplinks: [...m.uplinks].map(([id, a]) => sampleOf(id, a)),
    };
  }

  private closeMinute(): void {
    const point = this.minuteSoFar();
    this.minute = null;
    if (!point) return;
    const last = this.coarse.at(-1);
    if (last?.at === point.at) this.coarse[this.coarse.length - 1] = merge(last, point);
    else this.coarse.push(point);
    while (this.coarse.length > 0 && this.coarse[0]!.at <= point.at - MAX_RANGE_MS) this.coarse.shift();
    this.write(point);
  }

  private write(point: Sample): void {
    const dir = this.dir;
    if (dir === null) return;
    const line = `${JSON.stringify(point)}\n`;
    this.writes = this.writes.then(async () => {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const file = join(dir, SAMPLES_FILE);
        if (
          this.fileStart !== null &&
          (point.at - this.fileStart > MAX_RANGE_MS || this.fileBytes + line.length > MAX_FILE_BYTES)
        ) {
          await rename(file, `${file}.1`);
          this.fileStart = null;
          this.fileBytes = 0;
        }
        await appendFile(file, line, { mode: 0o600 });
        this.fileStart ??= point.at;
        this.fileBytes += Buffer.byteLength(line);
        this.failing = false;
      } catch (err) {
        if (!this.failing) this.warn?.(`writing ${join(dir, SAMPLES_FILE)} failed: ${(err as Error).message}`);
        this.failing = true;
      }
    });
  }

  /** Ends the points gathered so far at `now` (the agent stops), writes their minute and waits for every write. */
  async flush(now = Date.now()): Promise<void> {
    const pending = [...this.open.values()].some((a) => a.sent > 0 || a.worst !== null);
    if (pending && this.last && now > (this.fine.at(-1)?.at ?? 0)) {
      const current = new Map([...this.open].map(([id, a]) => [id, a.state]));
      this.close(
        now,
        this.last.active,
        this.last.states.map(({ id, state }) => ({ id, state: current.get(id) ?? state })),
      );
    }
    this.closeMinute();
    await this.writes;
  }

  /** The last 10-second points (at most an hour), oldest first. */
  recent(): readonly Sample[] {
    return [...this.fine];
  }

  /**
   * The points of the last `windowMs` before `now`: 10-second points for up
   * to an hour (this run's; before them the minutes an earlier run left on
   * disk), else minutes (with the minute so far).
   */
  range(windowMs: number, now: number): SampleRange {
    const from = now - Math.min(windowMs, MAX_RANGE_MS);
    const inRange = (s: Sample) => s.at > from && s.at <= now;
    if (windowMs <= HOUR) {
      const fine = this.fine.filter(inRange);
      const before = this.coarse.filter((s) => inRange(s) && s.at <= this.loadedUntil);
      return { from, to: now, stepMs: FINE_MS, points: [...before, ...fine] };
    }
    const soFar = this.minuteSoFar();
    const coarse = this.coarse.filter(inRange);
    const points = soFar && inRange(soFar) && coarse.at(-1)?.at !== soFar.at ? [...coarse, soFar] : coarse;
    return { from, to: now, stepMs: COARSE_MS, points };
  }
}
