/**
 * Link state on FreeBSD (OPNsense), where there is no `/sys/class/net`.
 *
 * - Up and carrier come from `ifconfig <dev>`: the `flags=…<UP,…,RUNNING,…>`
 *   line and the `status:` line (`active`, `no carrier`). FreeBSD keeps
 *   `RUNNING` set on an Ethernet port without a cable, so only the `status:`
 *   line tells a pulled cable; `os.networkInterfaces()` cannot (see below).
 * - Addresses come from `os.networkInterfaces()` (getifaddrs, no process), as
 *   on Linux.
 *
 * `ifconfig` is a process, so it is not run per probe: each device's answer is
 * kept and re-read in the background once it is older than `maxAgeMs`
 * (default 1 s), one run at a time per device, and only while the device is
 * being probed. A probe waits for a read only the first time a device is
 * probed; after that it uses the last answer (at most `maxAgeMs` plus one
 * `ifconfig` run old). The carrier check of probes in flight (link-guard.ts)
 * therefore sees a carrier loss within about `maxAgeMs` on FreeBSD, against
 * the 100 ms of sysfs on Linux.
 *
 * Why not `os.networkInterfaces()` alone: libuv's BSD code
 * (`src/unix/bsd-ifaddrs.c`) skipped addresses of interfaces that are not
 * both IFF_UP and IFF_RUNNING up to the libuv of Node 20/22, but newer libuv
 * lists every address and reports a separate status instead; and neither
 * sees "no carrier" on FreeBSD, where IFF_RUNNING stays set without a link.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { addressesIn, MISSING, type LinkState } from '../device.js';

/** What one `ifconfig <dev>` run printed. */
export interface IfconfigRun {
  /** undefined when it did not run to its end (not found, killed at its time limit). */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ifconfig <dev>` (replaceable for tests). Never rejects. */
export type IfconfigRunner = (dev: string) => Promise<IfconfigRun>;

/** What `ifconfig <dev>` says about a device, or why it could not say. */
export type IfconfigState =
  | { readonly kind: 'device'; readonly up: boolean; readonly running: boolean; readonly carrier: boolean }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly reason: string };

/**
 * Reads one `ifconfig <dev>` run (FreeBSD 14 output):
 *
 * ```
 * igb1: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500
 *         …
 *         status: no carrier
 * ```
 *
 * Carrier means UP and RUNNING and a `status:` other than `no carrier`;
 * interfaces without a `status:` line (pppoe/tun/gif) have carrier while up
 * and running. `ifconfig: interface igb9 does not exist` means missing.
 *
 * @example
 * ```ts
 * readIfconfig('igb1', { exitCode: 0, stdout: 'igb1: flags=8843<UP,BROADCAST,RUNNING> …\n\tstatus: active\n', stderr: '' });
 * // { kind: 'device', up: true, running: true, carrier: true }
 * ```
 */
export function readIfconfig(dev: string, run: IfconfigRun): IfconfigState {
  if (run.exitCode !== 0) {
    if (/does not exist/.test(run.stderr)) return { kind: 'missing' };
    const why = run.stderr.trim().split('\n')[0] || `exit ${String(run.exitCode)}`;
    return { kind: 'unreadable', reason: why };
  }
  const escaped = dev.replace(/[.]/g, '\\.');
  const head = new RegExp(`^${escaped}: flags=[0-9a-f]+<([^>]*)>`, 'm').exec(run.stdout);
  if (!head) return { kind: 'unreadable', reason: `no "${dev}: flags=" line in ifconfig's output` };
  const flags = (head[1] ?? '').split(',');
  const up = flags.includes('UP');
  const running = flags.includes('RUNNING');
  const status = /^\s+status: (.+)$/m.exec(run.stdout)?.[1]?.trim();
  return { kind: 'device', up, running, carrier: up && running && status !== 'no carrier' };
}

/** Settings of {@link IfconfigLinks}. */
export interface IfconfigLinksOptions {
  /** Runs `ifconfig <dev>`. Default: `command` through execa, 2 s time limit. */
  readonly run?: IfconfigRunner | undefined;
  /** The `ifconfig` to run. Default `/sbin/ifconfig` (FreeBSD's path, so the agent's PATH does not matter). */
  readonly command?: string | undefined;
  /** How old an answer may be before it is re-read in the background, in ms. Default 1000. */
  readonly maxAgeMs?: number | undefined;
  /** The addresses (replaceable for tests). Default `os.networkInterfaces`. */
  readonly interfaces?: (() => NodeJS.Dict<NetworkInterfaceInfo[]>) | undefined;
  /** Told once per device when `ifconfig` cannot be read (the device then counts as missing). */
  readonly warn?: ((message: string) => void) | undefined;
}

/** The default `ifconfig` path on FreeBSD. */
export const FREEBSD_IFCONFIG = '/sbin/ifconfig';
/** Default age after which a device's `ifconfig` answer is re-read. */
export const DEFAULT_IFCONFIG_MAX_AGE_MS = 1000;

function execaRunner(command: string): IfconfigRunner {
  return async (dev) => {
    try {
      const { execa } = await import('execa');
      const res = await execa(command, [dev], { timeout: 2000, reject: false, env: { LC_ALL: 'C' } });
      return {
        exitCode: res.timedOut ? undefined : res.exitCode,
        stdout: String(res.stdout),
        stderr: res.timedOut ? `${command} ${dev}: timed out` : String(res.stderr || res.shortMessage || ''),
      };
    } catch (err) {
      return { exitCode: undefined, stdout: '', stderr: err instanceof Error ? err.message : String(err) };
    }
  };
}

interface Known {
  readonly at: number;
  readonly state: IfconfigState;
}

/** FreeBSD device states from cached `ifconfig <dev>` runs and `os.networkInterfaces()`. */
export class IfconfigLinks {
  private readonly known = new Map<string, Known>();
  private readonly reading = new Map<string, Promise<void>>();
  private readonly warned = new Set<string>();
  private readonly run: IfconfigRunner;
  private readonly maxAgeMs: number;
  private readonly interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>;

  constructor(private readonly options: IfconfigLinksOptions = {}) {
    this.run = options.run ?? execaRunner(options.command ?? FREEBSD_IFCONFIG);
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_IFCONFIG_MAX_AGE_MS;
    this.interfaces = options.interfaces ?? networkInterfaces;
  }

  /**
   * Null when `dev` has an answer (a stale one is re-read in the background);
   * otherwise a promise that resolves once the first answer is in. Never rejects.
   */
  ready(dev: string): Promise<void> | null {
    const hit = this.known.get(dev);
    if (hit) {
      if (performance.now() - hit.at > this.maxAgeMs) void this.refresh(dev);
      return null;
    }
    return this.refresh(dev);
  }

  /** `dev`'s state from its last `ifconfig` answer (missing before the first) and its current addresses. */
  read(dev: string): LinkState {
    const hit = this.known.get(dev);
    if (!hit || performance.now() - hit.at > this.maxAgeMs) void this.refresh(dev);
    const state = hit?.state;
    if (state?.kind !== 'device') return MISSING;
    const entries = this.interfaces()[dev];
    const addresses = addressesIn(entries, dev);
    // FreeBSD has no sysfs ifindex; a link-local address's scope id is the ifindex (0 = not known).
    const ifindex = entries?.find((a) => a.family === 'IPv6' && a.scopeid)?.scopeid ?? 0;
    return { exists: true, ifindex, up: state.up, carrier: state.carrier, addresses };
  }

  private refresh(dev: string): Promise<void> {
    const running = this.reading.get(dev);
    if (running) return running;
    const p = this.run(dev)
      .then(
        (run) => readIfconfig(dev, run),
        (err: unknown): IfconfigState => ({ kind: 'unreadable', reason: String(err) }),
      )
      .then((state) => {
        if (state.kind === 'unreadable' && !this.warned.has(dev)) {
          this.warned.add(dev);
          this.options.warn?.(
            `wanwatch probes: cannot read ${dev} with ifconfig (${state.reason}); it counts as missing`,
          );
        }
        // A run that failed (a time limit on a loaded box) keeps the last real answer.
        const previous = this.known.get(dev)?.state;
        const kept = state.kind === 'unreadable' && previous?.kind === 'device' ? previous : state;
        if (this.known.size > 256) this.known.clear();
        this.known.set(dev, { at: performance.now(), state: kept });
      })
      .finally(() => this.reading.delete(dev));
    this.reading.set(dev, p);
    return p;
  }
}
