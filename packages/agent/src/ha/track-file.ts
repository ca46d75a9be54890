/**
 * Health coupling: the agent writes a keepalived `vrrp_track_file`, `1`
 * while every uplink of this box is down and `0` otherwise. keepalived
 * multiplies the value by the tracker's (negative) weight and subtracts it
 * from the instance's priority, so a master whose uplinks are all dead
 * falls below a backup that can still reach the internet and the role
 * moves there. Both boxes write their own file with the same weight: when
 * both are down both lose the same amount, the order is unchanged and the
 * role does not move for nothing.
 *
 * A backup in `backupMode: down` has its uplinks set down on purpose and
 * cannot measure them: it keeps the last value it wrote as master (0 when
 * it never was master), so that being backup alone never reads as "dead".
 */
import { writeFileSync } from 'node:fs';
import type { Engine } from '@wanwatch/core';
import type { BackupMode } from '@wanwatch/linux';

/** The value the track file should hold now; null = keep the last one. */
export function trackValue(status: ReturnType<Engine['status']>, backupMode: BackupMode): 0 | 1 | null {
  if (status.role === 'backup' && backupMode === 'down') return null;
  const dead = status.uplinks.length > 0 && status.uplinks.every((u) => u.state === 'down');
  return dead ? 1 : 0;
}

/**
 * Keeps `file` at {@link trackValue} of `engine`; returns a function that stops following it.
 *
 * @example
 * ```ts
 * const stop = followHealth(engine, '/run/wanwatch/track', 'unused', (m) => log.warn(m));
 * ```
 */
export function followHealth(
  engine: Engine,
  file: string,
  backupMode: BackupMode,
  warn: (message: string) => void,
  initial: 0 | 1 = 0,
): () => void {
  let last: 0 | 1 | null = null;
  const write = (value: 0 | 1) => {
    if (value === last) return;
    try {
      writeFileSync(file, `${value}\n`);
      last = value;
    } catch (err) {
      warn(`health coupling: writing ${file} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const update = () => {
    const value = trackValue(engine.status(), backupMode);
    if (value !== null) write(value);
  };
  write(initial);
  update();
  engine.on('uplink:state', update);
  engine.on('role', update);
  return () => {
    engine.off('uplink:state', update);
    engine.off('role', update);
  };
}
