/**
 * RED up and down through IPFire's own `/etc/rc.d/init.d/network`, as the
 * web interface's Dial/Hangup (redctrl) and connectd do it, and RED's state
 * as IPFire's scripts leave it in `/var/ipfire/red/`.
 *
 * The script's output goes to `/var/ipfire/wanwatch/network.log`, not to a
 * pipe: `start red` leaves pppd (or dhcpcd) running in the background with
 * the script's stdout, and a pipe would stay open as long as they run. A
 * failure's message carries the log's last lines.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { TimeoutError, WanwatchError } from '@wanwatch/core';
import { readText } from '../files/atomic.js';
import type { IpfirePaths } from '../options.js';

/** RED as `/var/ipfire/red/` says it is. */
export interface RedState {
  /** `red/active` exists. */
  readonly active: boolean;
  /** `red/iface` (never removed by IPFire, so stale when RED is down). */
  readonly iface: string | null;
  readonly localAddress: string | null;
  readonly remoteAddress: string | null;
}

/** A `network` run that failed. */
export class NetworkScriptError extends WanwatchError {
  constructor(
    message: string,
    readonly output: string,
    readonly timedOut: boolean,
    uplink?: string,
  ) {
    super('E_ACTIVATE_FAILED', message, { uplink });
  }
}

/** Time limits of {@link RedControl}. */
export interface RedTimings {
  readonly stopTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly upTimeoutMs: number;
  readonly pollMs: number;
}

const trimmed = async (file: string) => (await readText(file))?.trim() || null;

/** Starts and stops RED and reads its state. */
export class RedControl {
  private readonly log: string;

  constructor(
    private readonly paths: IpfirePaths,
    private readonly timings: RedTimings,
    private readonly debug?: (message: string) => void,
  ) {
    this.log = join(paths.stateDir, 'network.log');
  }

  /** RED's state files. */
  async state(): Promise<RedState> {
    const red = (name: string) => join(this.paths.redDir, name);
    const active = (await readText(red('active'))) !== null;
    return {
      active,
      iface: await trimmed(red('iface')),
      localAddress: await trimmed(red('local-ipaddress')),
      remoteAddress: await trimmed(red('remote-ipaddress')),
    };
  }

  /** `network stop red`. */
  stop(signal?: AbortSignal, uplink?: string): Promise<void> {
    return this.run('stop', this.timings.stopTimeoutMs, signal, uplink);
  }

  /** `network start red` (blocks while connectd waits for PPP). */
  start(signal?: AbortSignal, uplink?: string): Promise<void> {
    return this.run('start', this.timings.startTimeoutMs, signal, uplink);
  }

  /** Waits until RED is up on `iface`: `red/active`, that `red/iface` and a `red/local-ipaddress`. */
  async waitUp(iface: string, signal?: AbortSignal, uplink?: string): Promise<RedState> {
    const end = Date.now() + this.timings.upTimeoutMs;
    for (;;) {
      const st = await this.state();
      if (st.active && st.iface === iface && st.localAddress) return st;
      if (signal?.aborted) throw new WanwatchError('E_TIMEOUT', 'aborted while waiting for RED to come up', { uplink });
      if (Date.now() >= end)
        throw new TimeoutError(
          `RED coming up on ${iface} (active ${st.active ? 'yes' : 'no'}, iface ${st.iface ?? '-'}, address ${st.localAddress ?? '-'})`,
          this.timings.upTimeoutMs,
          { uplink },
        );
      await new Promise((r) => setTimeout(r, this.timings.pollMs));
    }
  }

  private async run(action: 'start' | 'stop', timeoutMs: number, signal?: AbortSignal, uplink?: string): Promise<void> {
    await mkdir(this.paths.stateDir, { recursive: true, mode: 0o700 });
    const started = performance.now();
    const result = await execa(this.paths.networkScript, [action, 'red'], {
      timeout: timeoutMs,
      cancelSignal: signal,
      reject: false,
      stdin: 'ignore',
      // One switch's output: stop (first) starts the log afresh.
      stdout: { file: this.log, append: action === 'start' },
      stderr: { file: this.log, append: true },
      env: { LC_ALL: 'C' },
    });
    const ms = Math.round(performance.now() - started);
    this.debug?.(`${this.paths.networkScript} ${action} red → exit ${result.exitCode ?? '-'} (${ms} ms)`);
    if (!result.failed) return;
    const output = await this.tail();
    const why = result.timedOut
      ? `timed out after ${timeoutMs} ms`
      : result.isCanceled
        ? 'aborted'
        : result.code === 'ENOENT'
          ? 'not found'
          : `exit ${result.exitCode ?? '?'}`;
    throw new NetworkScriptError(
      `${this.paths.networkScript} ${action} red failed: ${why}${output ? ` (${output.split('\n').join(' | ')})` : ''}`,
      output,
      result.timedOut,
      uplink,
    );
  }

  private async tail(): Promise<string> {
    const text = await readFile(this.log, 'utf8').catch(() => '');
    return text.trim().split('\n').slice(-3).join('\n');
  }
}
