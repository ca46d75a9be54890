/**
 * The HA role from CARP. At start-up the role is read from the kernel
 * (`ifconfig -a`, the `carp: MASTER vhid 1 …` lines), falling back to the
 * state files the syshook leaves; afterwards the syshook forwards each
 * `<vhid>@<dev> MASTER|BACKUP|INIT` event over a Unix socket.
 *
 * Events are triggers, not truth: a burst (one event per vhid, several
 * VIPs) is gathered for `debounceMs`, then the kernel is asked again, so a
 * duplicate or an event that arrives out of order (configd runs hooks
 * concurrently) cannot flip the role the wrong way. Only the decisive
 * vhid counts when one is configured; otherwise the box is master only
 * while every vhid is MASTER (never two masters by accident).
 */
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { WanwatchError, durationLimit, timerDelay, type Role, type RoleSource } from '@wanwatch/core';
import { parseIfconfig, type CarpState } from '../bsd/ifconfig.js';
import { ExecaRunner, type CommandRunner } from '@wanwatch/exec';
import { OPNSENSE_COMMANDS, type OpnsenseLogger } from '../options.js';

/** Settings of {@link CarpRoleSource}. */
export interface CarpRoleSourceOptions {
  /** The decisive vhid: `1` (any device) or `1@vtnet0`. Default: every vhid must be MASTER. */
  readonly vhid?: string | null;
  /** The socket the syshook writes to. Default `/var/run/wanwatch-carp.sock`. */
  readonly socket?: string;
  /** Where the syshook leaves one file per vhid (`1@vtnet0` containing `MASTER <epoch>`). Default `/var/db/wanwatch/carp`. */
  readonly stateDir?: string;
  /** Events within this time are one burst. Default 300 ms. */
  readonly debounceMs?: number;
  /** Directories searched for `ifconfig`/`sysctl` instead of /sbin (tests). */
  readonly commandPath?: readonly string[];
  /** Time limit of each command. Default 5 s. */
  readonly commandTimeoutMs?: number;
  readonly logger?: OpnsenseLogger;
}

/** The defaults of {@link CarpRoleSourceOptions}. */
export const CARP_DEFAULTS = {
  socket: '/var/run/wanwatch-carp.sock',
  stateDir: '/var/db/wanwatch/carp',
  debounceMs: 300,
  commandTimeoutMs: 5_000,
} as const;

/** The range of `debounceMs` (the agent's `opnsense.carp.debounce`). */
export const CARP_LIMITS = Object.freeze({ debounceMs: durationLimit(0, 60_000) });

/** `<vhid>@<device>` as devd and rc.syshook pass it. */
const SUBSYSTEM = /^([0-9]+)@([0-9a-z_.]+)$/;

/** One vhid's state by `<vhid>@<device>`. */
export type CarpStates = ReadonlyMap<string, CarpState>;

/** The role `states` give: the decisive vhid's, or master only when every vhid is MASTER. */
export function roleOf(states: CarpStates, vhid: string | null): Role | null {
  const matching = [...states].filter(([key]) => vhid === null || key === vhid || key.split('@')[0] === vhid);
  if (matching.length === 0) return null;
  return matching.every(([, s]) => s === 'MASTER') ? 'master' : 'backup';
}

/**
 * CARP as core's `RoleSource`.
 *
 * @example
 * ```ts
 * const roles = new CarpRoleSource({ vhid: '1@vtnet0' });
 * const engine = new Engine({ uplinks, adapter, probe, roleSource: roles });
 * ```
 */
export class CarpRoleSource implements RoleSource {
  readonly socket: string;
  readonly stateDir: string;
  private readonly vhid: string | null;
  private readonly debounceMs: number;
  private readonly runner: CommandRunner;
  private readonly ifconfig: string;
  private readonly sysctl: string;
  private readonly listeners = new Set<(role: Role) => void>();
  private readonly events = new Map<string, CarpState>();
  private server: Server | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private role: Role | null = null;
  private checked = false;

  constructor(private readonly options: CarpRoleSourceOptions = {}) {
    const vhid = options.vhid ?? null;
    if (vhid !== null && !/^[0-9]+(@[0-9a-z_.]+)?$/.test(vhid))
      throw new WanwatchError('E_CONFIG', `carp vhid ${JSON.stringify(vhid)} is not <n> or <n>@<device>`);
    this.vhid = vhid;
    this.socket = options.socket ?? CARP_DEFAULTS.socket;
    this.stateDir = options.stateDir ?? CARP_DEFAULTS.stateDir;
    this.debounceMs = timerDelay(options.debounceMs ?? CARP_DEFAULTS.debounceMs);
    const path = options.commandPath ?? [];
    this.runner = new ExecaRunner({
      timeoutMs: options.commandTimeoutMs ?? CARP_DEFAULTS.commandTimeoutMs,
      path,
      debug: (m) => options.logger?.debug?.(m),
    });
    this.ifconfig = path.length > 0 ? 'ifconfig' : OPNSENSE_COMMANDS.ifconfig;
    this.sysctl = path.length > 0 ? 'sysctl' : OPNSENSE_COMMANDS.sysctl;
  }

  /**
   * The role now: from the kernel, else from the syshook's state files.
   * When neither knows the decisive vhid the box stays backup (no WAN up)
   * and says so: two masters would both bring the shared WAN up.
   */
  async current(): Promise<Role> {
    await this.checkSysctls();
    const kernel = await this.kernelStates().catch((err: unknown) => {
      this.options.logger?.warn(
        `wanwatch carp: reading CARP from ifconfig failed (${String(err)}); using the syshook's state files`,
      );
      return null;
    });
    const states = kernel ?? (await this.fileStates());
    const role = roleOf(states, this.vhid);
    if (role === null)
      this.options.logger?.warn(
        `wanwatch carp: ${this.vhid === null ? 'no CARP vhid is configured' : `CARP vhid ${this.vhid} is not configured`} ` +
          'on this box; staying backup (every WAN down) until it is',
      );
    this.role = role ?? 'backup';
    return this.role;
  }

  /** Starts listening to the syshook (once) and calls `listener` on every role change. */
  subscribe(listener: (role: Role) => void): () => void {
    this.listeners.add(listener);
    if (!this.server) this.listen();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  /** Takes one event, as the syshook sends it (`1@vtnet0 MASTER`); exposed for embedding without the socket. */
  notify(line: string): void {
    const [subsystem = '', type = '', ...rest] = line.trim().split(/\s+/);
    if (!SUBSYSTEM.test(subsystem) || !['MASTER', 'BACKUP', 'INIT'].includes(type) || rest.length > 0) {
      this.options.logger?.warn(`wanwatch carp: ignoring a malformed event ${JSON.stringify(line)}`);
      return;
    }
    this.events.set(subsystem, type as CarpState);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.settle(), this.debounceMs);
  }

  /** Stops listening (closing the server unlinks its socket; a reloaded agent's new source may already own the path). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const server = this.server;
    this.server = null;
    server?.close();
  }

  // ---- internals ------------------------------------------------------------

  private async settle(): Promise<void> {
    this.timer = null;
    // The kernel is the truth; the events only say when to look.
    const kernel = await this.kernelStates().catch(() => null);
    const states = kernel ?? this.events;
    const role = roleOf(states, this.vhid) ?? 'backup';
    if (role === this.role) return;
    const previous = this.role;
    this.role = role;
    this.options.logger?.info?.(`wanwatch carp: role ${previous ?? 'unknown'} → ${role}`);
    for (const l of this.listeners) l(role);
  }

  private listen(): void {
    const server = createServer((conn) => {
      let buffer = '';
      conn.setEncoding('utf8');
      conn.on('data', (chunk: string) => {
        buffer += chunk;
        if (buffer.length > 4096) conn.destroy();
      });
      conn.on('end', () => {
        for (const line of buffer.split('\n')) if (line.trim()) this.notify(line);
        conn.end();
      });
      conn.on('error', () => undefined);
    });
    this.server = server;
    server.on('error', (err) => this.options.logger?.warn(`wanwatch carp: socket ${this.socket}: ${err.message}`));
    void (async () => {
      await mkdir(dirname(this.socket), { recursive: true });
      await rm(this.socket, { force: true });
      if (this.server !== server) return;
      server.listen({ path: this.socket, readableAll: false, writableAll: false });
    })().catch((err: unknown) =>
      this.options.logger?.warn(`wanwatch carp: cannot listen on ${this.socket}: ${String(err)}`),
    );
  }

  private async kernelStates(): Promise<Map<string, CarpState>> {
    const r = await this.runner.run([this.ifconfig, '-a']);
    const out = new Map<string, CarpState>();
    for (const i of parseIfconfig(r.stdout)) for (const c of i.carp) out.set(`${c.vhid}@${i.device}`, c.state);
    return out;
  }

  private async fileStates(): Promise<Map<string, CarpState>> {
    const out = new Map<string, CarpState>();
    const names = await readdir(this.stateDir).catch(() => [] as string[]);
    for (const name of names) {
      if (!SUBSYSTEM.test(name)) continue;
      const type = (await readFile(join(this.stateDir, name), 'utf8').catch(() => '')).trim().split(/\s+/)[0];
      if (type === 'MASTER' || type === 'BACKUP' || type === 'INIT') out.set(name, type);
    }
    return out;
  }

  /** Says once when pfsync's bulk-update demotion is on: the seeds saw it make CARP flap. */
  private async checkSysctls(): Promise<void> {
    if (this.checked) return;
    this.checked = true;
    const r = await this.runner.run([this.sysctl, '-n', 'net.pfsync.carp_demotion_factor']).catch(() => null);
    const value = r?.stdout.trim();
    if (value !== undefined && value !== '0')
      this.options.logger?.warn(
        `wanwatch carp: net.pfsync.carp_demotion_factor is ${value}; a pfsync bulk update then demotes this box and ` +
          'CARP may flap. Set it to 0 (System › Settings › Tunables) unless you rely on it.',
      );
  }
}
