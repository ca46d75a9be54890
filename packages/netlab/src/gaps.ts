/**
 * How the traffic meter turns arrivals into outages. A gap is a stretch of
 * time in which nothing arrived that is longer than `minGapMs`; it is
 * measured between arrivals (and from the first send / to the last send at
 * the edges), so it is what a user of the stream would feel: a lost packet
 * and a late one look alike.
 */

/** One outage seen by the meter. */
export interface Gap {
  /** When it began, in ms after the stream's first packet was sent. */
  readonly startMs: number;
  /** How long nothing arrived, in ms. */
  readonly durationMs: number;
  /** Packets that never arrived within it. */
  readonly lost: number;
}

/** What a meter measured. */
export interface MeterReport {
  readonly sent: number;
  readonly received: number;
  /** Packets sent but never received. */
  readonly lost: number;
  /** Every gap longer than the meter's `minGapMs`, in time order. */
  readonly gaps: readonly Gap[];
  /** The longest gap's duration, 0 when there was none. */
  readonly longestGapMs: number;
  /** How long the stream ran, first to last send, in ms. */
  readonly durationMs: number;
}

/** Inputs of {@link findGaps}; times on one monotonic clock (ms). */
export interface GapInput {
  /** Sequence numbers (0-based) and arrival times, in arrival order. */
  readonly seqs: ArrayLike<number>;
  readonly arrivals: ArrayLike<number>;
  readonly sent: number;
  readonly firstSendMs: number;
  readonly lastSendMs: number;
  readonly minGapMs: number;
}

/** Computes the report of one stream. */
export function findGaps(input: GapInput): MeterReport {
  const { seqs, arrivals, sent, firstSendMs, lastSendMs, minGapMs } = input;
  const gaps: Gap[] = [];
  const seen = new Set<number>();
  let prevAt = firstSendMs;
  let prevSeq = -1;
  const n = Math.min(seqs.length, arrivals.length);
  for (let k = 0; k <= n; k++) {
    const last = k === n;
    // The edge at the end: the last send, unless the last arrival came after it.
    const at = last ? Math.max(lastSendMs, prevAt) : arrivals[k]!;
    const seq = last ? sent : seqs[k]!;
    if (!last) seen.add(seq);
    if (at - prevAt > minGapMs) {
      gaps.push({ startMs: prevAt - firstSendMs, durationMs: at - prevAt, lost: Math.max(0, seq - prevSeq - 1) });
    }
    if (seq > prevSeq) prevSeq = seq;
    prevAt = Math.max(prevAt, at);
  }
  return {
    sent,
    received: seen.size,
    lost: sent - seen.size,
    gaps,
    longestGapMs: gaps.reduce((m, g) => Math.max(m, g.durationMs), 0),
    durationMs: lastSendMs - firstSendMs,
  };
}
