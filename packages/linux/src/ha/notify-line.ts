/**
 * keepalived's notify lines. The FIFO (`notify_fifo`, `vrrp_notify_fifo`)
 * carries one line per event, `INSTANCE "VI_1" MASTER 100` or
 * `GROUP "G1" BACKUP 0`; a `notify` script is called with the same four
 * words as arguments, so a state file it writes can hold the same line
 * (quotes optional). Priority events (`MASTER_PRIORITY`, `BACKUP_PRIORITY`,
 * `MASTER_RX_LOWER_PRI`) are not state changes and are ignored here.
 */
import type { Role } from '@wanwatch/core';

/** The VRRP states keepalived reports. */
export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED';

const STATES: ReadonlySet<string> = new Set(['MASTER', 'BACKUP', 'FAULT', 'STOP', 'DELETED']);

/** One state event of one VRRP instance or sync group. */
export interface NotifyEvent {
  readonly kind: 'INSTANCE' | 'GROUP';
  readonly name: string;
  readonly state: VrrpState;
  readonly priority: number | null;
}

const LINE = /^(INSTANCE|GROUP)\s+(?:"([^"]*)"|(\S+))\s+([A-Z_]+)(?:\s+(\d+))?\s*$/;

/** Parses one line; null for anything that is not a state event (other events, noise). */
export function parseNotifyLine(line: string): NotifyEvent | null {
  const m = LINE.exec(line.trim());
  if (!m || !STATES.has(m[4]!)) return null;
  return {
    kind: m[1] as 'INSTANCE' | 'GROUP',
    name: m[2] ?? m[3]!,
    state: m[4] as VrrpState,
    priority: m[5] === undefined ? null : Number(m[5]),
  };
}

/**
 * The wanwatch role of a VRRP state. Only MASTER owns the uplinks; FAULT,
 * STOP and DELETED mean keepalived does not hold the virtual address here
 * any more, so the box behaves as backup (it never keeps a lease another
 * box may need).
 */
export function roleOfState(state: VrrpState): Role {
  return state === 'MASTER' ? 'master' : 'backup';
}
