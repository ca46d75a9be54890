/** How the CLI shows status and history to a person. */
import type { HistoryEntry } from '@wanwatch/core';
import type { StatusResult } from '../control/service.js';

const ms = (n: number | null) => (n === null ? '–' : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);
const pct = (n: number | null) => (n === null ? '–' : `${Number.isInteger(n) ? n : n.toFixed(1)}%`);

/** `75 s`, `12 min`, `3 h`. */
export function span(msLeft: number): string {
  const s = Math.max(0, Math.round(msLeft / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** The status table. */
export function formatStatus(st: StatusResult): string[] {
  const since = st.activeSince === null ? '' : ` for ${span(st.at - st.activeSince)}`;
  const lines = [
    `active: ${st.active ?? 'none'}${since}   role: ${st.role}   platform: ${st.agent.platform}   agent: pid ${st.agent.pid}, ${st.agent.version}`,
    '',
  ];
  const rows = [['UPLINK', 'PRIO', 'STATE', 'ACTIVE', 'RTT', 'LOSS', 'JITTER', 'PENALTY', 'NOTES']];
  for (const u of st.uplinks) {
    const notes = [
      u.held ? 'held' : '',
      u.forbidden ? 'forbidden' : '',
      u.suppressed ? `suppressed${u.reuseAt ? ` ${span(u.reuseAt - st.at)}` : ''}` : '',
      u.backedOffUntil ? `backed off ${span(u.backedOffUntil - st.at)}` : '',
      u.broken ? `broken (${u.broken})` : '',
      u.carrier === 'down' ? 'no carrier' : '',
      !u.probing ? 'not probed' : '',
    ].filter(Boolean);
    rows.push([
      u.id,
      String(u.priority),
      u.state,
      u.active ? '*' : '',
      ms(u.metrics.rttMs),
      pct(u.metrics.lossPct),
      ms(u.metrics.jitterMs),
      String(u.penalty),
      notes.join(', '),
    ]);
  }
  lines.push(...table(rows));
  const p = st.pendingFailback;
  if (p) {
    lines.push('');
    lines.push(
      p.remainingMs === null
        ? `pending failback: to ${p.uplink}, waiting for an operator (wanwatch failback)`
        : `pending failback: to ${p.uplink} in ${span(p.remainingMs)} (waiting for the ${p.waitingFor})`,
    );
  }
  if (st.trial) lines.push(`trial: ${st.trial.uplink} must prove itself within ${span(st.trial.deadline - st.at)}`);
  if (st.busy) lines.push('a switch is in progress');
  return lines;
}

/** One history line: local time, type, message. */
export function formatHistory(entries: readonly HistoryEntry[]): string[] {
  return entries.map((e) => `${new Date(e.at).toISOString()}  ${e.type.padEnd(13)} ${e.message}`);
}
