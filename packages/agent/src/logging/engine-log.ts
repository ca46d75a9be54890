/**
 * What the agent logs about its engine. Probe rounds are never logged one
 * by one at info (mwan3 logs every failed check): each uplink gets a
 * summary line every `log.summary` — at info when it lost probes or is not
 * `up`, at debug when all was well — and rounds that were not good appear
 * at debug. State changes, switches, failback timers and warnings are
 * always logged (notice and above), with the reason and the measurements.
 */
import {
  systemClock,
  type Clock,
  type Engine,
  type TimerHandle,
  type UplinkMetrics,
  type UplinkStatus,
} from '@wanwatch/core';
import type { AgentLogger } from './logger.js';

const ms = (n: number | null) => (n === null ? '–' : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);
const pct = (n: number | null) => (n === null ? '–' : `${Number.isInteger(n) ? n : n.toFixed(1)}%`);
const secs = (n: number) => `${Math.round(n / 1000)} s`;

/** `rtt 20 ms, loss 0%, jitter 1.2 ms`. */
export function describeMetrics(m: UplinkMetrics): string {
  return `rtt ${ms(m.rttMs)}, loss ${pct(m.lossPct)}, jitter ${ms(m.jitterMs)}`;
}

function side(u: UplinkStatus | undefined): string {
  return u ? `${u.id} ${u.state} (${describeMetrics(u.metrics)})` : 'none';
}

interface Tally {
  rounds: number;
  sent: number;
  answered: number;
}

/**
 * Logs an engine's events; returns a function that stops it.
 *
 * @example
 * ```ts
 * const detach = logEngine(engine, logger, { summaryMs: 60_000 });
 * ```
 */
export function logEngine(
  engine: Engine,
  log: AgentLogger,
  options: { readonly summaryMs: number; readonly clock?: Clock | undefined },
): () => void {
  const clock = options.clock ?? systemClock;
  const tally = new Map<string, Tally>();
  const uplink = (id: string | null) => engine.status().uplinks.find((u) => u.id === id);

  engine.on('probe', (e) => {
    const t = tally.get(e.uplink) ?? { rounds: 0, sent: 0, answered: 0 };
    const answered = e.results.filter((r) => r.result.ok).length;
    tally.set(e.uplink, { rounds: t.rounds + 1, sent: t.sent + e.results.length, answered: t.answered + answered });
    if (e.level !== 'good') {
      const failed = e.results.flatMap((r) => (r.result.ok ? [] : [`${r.target} ${r.result.detail}`]));
      log.debug(
        `${e.uplink}: ${e.level} round, ${answered}/${e.results.length} answered${failed.length ? `; ${failed.join(', ')}` : ''}`,
      );
    }
  });
  engine.on('uplink:state', (e) => {
    const level = e.to === 'down' ? 'warn' : 'notice';
    log.log(level, `${e.uplink}: ${e.from} → ${e.to}: ${e.reason} (${describeMetrics(e.metrics)})`, {
      event: 'state',
      uplink: e.uplink,
      from: e.from,
      to: e.to,
      ...e.metrics,
    });
  });
  engine.on('decision', (e) => {
    const d = e.decision;
    const text =
      d.kind === 'switch' ? `switch to ${d.to} (${d.reason}): ${d.detail}` : `stay (${d.reason}): ${d.detail}`;
    log.info(`decision: ${text}`, { event: 'decision', active: e.active });
  });
  engine.on('switch:start', (e) => {
    const trial = e.trial ? ' as a trial' : '';
    log.notice(`switching ${e.from ?? 'none'} → ${e.to} (${e.reason})${trial}: ${e.detail}`, {
      event: 'switch:start',
      switchId: e.id,
      from: e.from,
      to: e.to,
      reason: e.reason,
    });
  });
  engine.on('switch:done', (e) => {
    const from = e.from === null ? 'none' : side(uplink(e.from));
    log.notice(
      `switched ${e.from ?? 'none'} → ${e.to} (${e.reason}) in ${e.durationMs} ms, verified at ${ms(e.verifyRttMs)}: ${e.detail}; was ${from}, now ${side(uplink(e.to))}`,
      { event: 'switch:done', switchId: e.id, from: e.from, to: e.to, reason: e.reason, durationMs: e.durationMs },
    );
  });
  engine.on('switch:failed', (e) => {
    log.error(
      `switch ${e.from ?? 'none'} → ${e.to} (${e.reason}) failed at ${e.step} after ${e.durationMs} ms: ${e.error.message}; active: ${e.active ?? 'none'}`,
      { event: 'switch:failed', switchId: e.id, from: e.from, to: e.to, step: e.step, code: e.error.code },
    );
  });
  engine.on('failback:pending', (e) => {
    const when =
      e.dueAt === null
        ? 'waits for an operator (failback manual)'
        : `due in ${secs(e.dueAt - clock.now())} (waiting for the ${e.waitingFor})`;
    log.notice(`failback to ${e.uplink} ${when}`, { event: 'failback:pending', uplink: e.uplink, dueAt: e.dueAt });
  });
  engine.on('failback:cancelled', (e) =>
    log.notice(`failback to ${e.uplink} cancelled: ${e.reason}`, { event: 'failback:cancelled', uplink: e.uplink }),
  );
  engine.on('role', (e) => log.notice(`HA role ${e.previous} → ${e.role}`, { event: 'role', role: e.role }));
  engine.on('warning', (e) =>
    log.warn(e.error.message, { event: 'warning', code: e.error.code, uplink: e.error.uplink }),
  );

  let timer: TimerHandle | null = null;
  const summarise = () => {
    for (const u of engine.status().uplinks) {
      const t = tally.get(u.id) ?? { rounds: 0, sent: 0, answered: 0 };
      const quiet = t.sent === t.answered && u.state === 'up';
      const role = u.active ? ', active' : '';
      const penalty = u.penalty > 0 ? `, penalty ${u.penalty}` : '';
      log.log(
        quiet ? 'debug' : 'info',
        `${u.id} ${u.state}${role}: ${t.rounds} rounds, ${t.answered}/${t.sent} answered in ${secs(options.summaryMs)}; ${describeMetrics(u.metrics)}${penalty}`,
        { event: 'summary', uplink: u.id, state: u.state, rounds: t.rounds, sent: t.sent, answered: t.answered },
      );
    }
    tally.clear();
    timer = clock.setTimeout(summarise, options.summaryMs);
  };
  if (options.summaryMs > 0) timer = clock.setTimeout(summarise, options.summaryMs);
  return () => {
    if (timer) clock.clearTimeout(timer);
    engine.removeAllListeners();
  };
}
