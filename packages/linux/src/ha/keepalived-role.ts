/**
 * The HA role from keepalived (VRRP). wanwatch never elects a master: it
 * follows the state keepalived reports for one VRRP instance (or sync
 * group) through its notify FIFO.
 *
 * - At start-up the role is, in this order: the last line for the instance
 *   already waiting in the FIFO; the line in `stateFile` (written by a
 *   keepalived `notify` script); whether the box holds one of
 *   `virtualAddresses` (keepalived adds them only as MASTER); else backup,
 *   with a warning, until keepalived reports.
 * - MASTER is master; BACKUP, FAULT, STOP and DELETED are backup.
 * - A state must hold for `debounceMs` before it is reported, so a burst
 *   (keepalived starting: BACKUP then MASTER; a reload) is one change.
 * - Every `watchIntervalMs` the FIFO is checked (keepalived re-created it)
 *   and, with `pidFile`, keepalived's process: when it is gone without a
 *   STOP (killed), the box is backup until keepalived reports again.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { durationLimit, systemClock, type Clock, type Role, type RoleSource, type TimerHandle } from '@wanwatch/core';
import { ExecaRunner, type CommandRunner } from '@wanwatch/exec';
import { IpReader } from '../state/ip-json.js';
import type { LinuxAdapterLogger } from '../options.js';
import { FifoLineSource, type NotifyLineSource } from './fifo.js';
import { parseNotifyLine, roleOfState, type NotifyEvent } from './notify-line.js';

/** Settings of {@link KeepalivedRoleSource}. */
export interface KeepalivedRoleOptions {
  /** keepalived's `vrrp_notify_fifo` (or `notify_fifo`); made with mkfifo (0600) when missing. */
  readonly fifo: string;
  /** The `vrrp_instance` (or `vrrp_sync_group`) whose state is this box's role. */
  readonly instance: string;
  /** A file a keepalived `notify` script writes its four arguments to; read at start-up. */
  readonly stateFile?: string | undefined;
  /** Addresses keepalived adds as MASTER; at start-up, holding one means master. */
  readonly virtualAddresses?: readonly string[] | undefined;
  /** keepalived's pid file (`-p`): a keepalived that died without STOP makes the box backup. */
  readonly pidFile?: string | undefined;
  /** A state must hold this long before it is reported. Default 200 ms. */
  readonly debounceMs?: number | undefined;
  /** Period of the FIFO and process checks. Default 1000 ms. */
  readonly watchIntervalMs?: number | undefined;
  /** Prepended to `ip` (tests: `ip netns exec <ns>`). Default []. */
  readonly commandPrefix?: readonly string[] | undefined;
  readonly commandTimeoutMs?: number | undefined;
  readonly logger?: LinuxAdapterLogger | undefined;
  /** Default: the process clock. */
  readonly clock?: Clock | undefined;
  /** Default: the FIFO at `fifo`. */
  readonly source?: NotifyLineSource | undefined;
  /** Default: execa. */
  readonly runner?: CommandRunner | undefined;
  /** Whether a process lives (default: `kill(pid, 0)`). */
  readonly alive?: ((pid: number) => boolean) | undefined;
}

/** Defaults of {@link KeepalivedRoleOptions}. */
export const KEEPALIVED_DEFAULTS = { debounceMs: 200, watchIntervalMs: 1000, commandTimeoutMs: 5000 } as const;
/** The range of `debounceMs` (the agent's `ha.keepalived.debounce`). */
export const KEEPALIVED_LIMITS = Object.freeze({ debounceMs: durationLimit(0, 60_000) });

/** Whether `pid` runs: it exists and is not a zombie (killed, not yet reaped). */
function processAlive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * A core `RoleSource` following keepalived.
 *
 * @example
 * ```ts
 * const roleSource = new KeepalivedRoleSource({ fifo: '/run/keepalived/wanwatch.fifo', instance: 'LAN' });
 * const engine = new Engine({ uplinks, adapter, probe, roleSource });
 * ```
 */
export class KeepalivedRoleSource implements RoleSource {
  private readonly clock: Clock;
  private readonly source: NotifyLineSource;
  private readonly runner: CommandRunner;
  private readonly listeners = new Set<(role: Role) => void>();
  private readonly debounceMs: number;
  private readonly watchMs: number;
  private reported: Role | null = null;
  private pending: Role | null = null;
  private debounce: TimerHandle | null = null;
  private watch: TimerHandle | null = null;
  private opened: Promise<string[]> | null = null;
  private deadWarned = false;
  private closed = false;

  constructor(private readonly options: KeepalivedRoleOptions) {
    if (!options.instance) throw new RangeError('instance must name a vrrp_instance or vrrp_sync_group');
    for (const a of options.virtualAddresses ?? [])
      if (isIP(a) === 0) throw new RangeError(`virtualAddresses: ${JSON.stringify(a)} is not an address`);
    this.clock = options.clock ?? systemClock;
    this.debounceMs = options.debounceMs ?? KEEPALIVED_DEFAULTS.debounceMs;
    this.watchMs = options.watchIntervalMs ?? KEEPALIVED_DEFAULTS.watchIntervalMs;
    this.runner =
      options.runner ??
      new ExecaRunner({
        prefix: options.commandPrefix,
        timeoutMs: options.commandTimeoutMs ?? KEEPALIVED_DEFAULTS.commandTimeoutMs,
      });
    this.source =
      options.source ?? new FifoLineSource(options.fifo, new ExecaRunner({ timeoutMs: 5000 }), (m) => this.warn(m));
  }

  /** The role now: see the file's comment for the order of sources. Opens the FIFO on first use. */
  async current(): Promise<Role> {
    const waiting = await this.openOnce();
    // Asked again (a reloaded engine): what keepalived said since is the truth.
    if (this.reported !== null) return this.pending ?? this.reported;
    const fromFifo = this.lastOwn(waiting);
    if (fromFifo) return this.settle(roleOfState(fromFifo.state), `keepalived reported ${fromFifo.state}`);
    const fromFile = this.readStateFile();
    if (fromFile) return this.settle(roleOfState(fromFile.state), `${this.options.stateFile} says ${fromFile.state}`);
    const vips = this.options.virtualAddresses ?? [];
    if (vips.length > 0) {
      const held = await this.holdsVirtualAddress(vips);
      if (held !== null)
        return this.settle(
          held ? 'master' : 'backup',
          held ? 'holds the virtual address' : 'does not hold the virtual address',
        );
    }
    this.warn(
      `wanwatch keepalived: the state of ${this.options.instance} is not known yet (nothing in the FIFO, ` +
        `no state file, no virtual address to look at): backup until keepalived reports`,
    );
    return this.settle('backup', 'unknown');
  }

  subscribe(listener: (role: Role) => void): () => void {
    this.listeners.add(listener);
    void this.openOnce().catch((err: unknown) => this.warn(`wanwatch keepalived: ${describe(err)}`));
    return () => this.listeners.delete(listener);
  }

  /** Stops reading the FIFO and the timers. */
  close(): void {
    this.closed = true;
    if (this.debounce) this.clock.clearTimeout(this.debounce);
    if (this.watch) this.clock.clearTimeout(this.watch);
    this.source.close();
  }

  private openOnce(): Promise<string[]> {
    if (!this.opened) {
      this.source.onLine((line) => this.onLine(line));
      this.opened = this.source.open();
      this.scheduleWatch();
    }
    return this.opened;
  }

  private settle(role: Role, why: string): Role {
    this.info(`wanwatch keepalived: ${this.options.instance} → ${role} at start-up (${why})`);
    this.reported ??= role;
    return this.reported;
  }

  private lastOwn(lines: readonly string[]): NotifyEvent | null {
    let last: NotifyEvent | null = null;
    for (const line of lines) {
      const e = parseNotifyLine(line);
      if (e && e.name === this.options.instance) last = e;
    }
    return last;
  }

  private readStateFile(): NotifyEvent | null {
    const file = this.options.stateFile;
    if (!file) return null;
    try {
      return this.lastOwn(readFileSync(file, 'utf8').split('\n'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.warn(`wanwatch keepalived: reading ${file}: ${describe(err)}`);
      return null;
    }
  }

  private async holdsVirtualAddress(vips: readonly string[]): Promise<boolean | null> {
    try {
      const links = await new IpReader(this.runner).links();
      const held = new Set(links.flatMap((l) => [...l.addresses[4], ...l.addresses[6]]).map((a) => a.toLowerCase()));
      return vips.some((v) => held.has(v.toLowerCase()));
    } catch (err) {
      this.warn(`wanwatch keepalived: reading the addresses failed: ${describe(err)}`);
      return null;
    }
  }

  private onLine(line: string): void {
    const e = parseNotifyLine(line);
    if (!e || e.name !== this.options.instance) return;
    this.info(
      `wanwatch keepalived: ${e.kind.toLowerCase()} ${e.name} is ${e.state}${e.priority === null ? '' : ` (priority ${e.priority})`}`,
    );
    this.propose(roleOfState(e.state));
  }

  /** Reports `role` once it has held for the debounce time. */
  private propose(role: Role): void {
    if (this.closed) return;
    this.pending = role;
    if (this.debounce) this.clock.clearTimeout(this.debounce);
    this.debounce = this.clock.setTimeout(() => {
      this.debounce = null;
      const next = this.pending;
      if (next === null || next === this.reported) return;
      this.reported = next;
      for (const l of [...this.listeners]) l(next);
    }, this.debounceMs);
  }

  private scheduleWatch(): void {
    if (this.closed) return;
    this.watch = this.clock.setTimeout(() => {
      void this.check().finally(() => this.scheduleWatch());
    }, this.watchMs);
  }

  private async check(): Promise<void> {
    await this.source.check();
    const pidFile = this.options.pidFile;
    if (!pidFile) return;
    let pid: number | null = null;
    try {
      const n = Number(readFileSync(pidFile, 'utf8').trim());
      pid = Number.isInteger(n) && n > 1 ? n : null;
    } catch {
      pid = null;
    }
    const alive = pid !== null && (this.options.alive ?? processAlive)(pid);
    if (alive) {
      this.deadWarned = false;
      return;
    }
    if (!this.deadWarned)
      this.warn(`wanwatch keepalived: keepalived is not running (${pidFile}); backup until it reports again`);
    this.deadWarned = true;
    if ((this.pending ?? this.reported) === 'master') this.propose('backup');
  }

  private warn(message: string): void {
    this.options.logger?.warn(message);
  }

  private info(message: string): void {
    this.options.logger?.info?.(message);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
