/**
 * The fallback ICMP backend: the system's `ping` (iputils), one process per
 * probe, `-I <dev>` to leave through the uplink. Used only when the native
 * addon cannot be loaded or cannot open raw sockets; it costs a process per
 * probe (see the README's benchmark), which is what mwan3track does.
 */
import type { ProbeResult } from '@wanwatch/core';
import type { Egress } from '../egress.js';
import { errnoInText } from '../errno.js';
import { fail, failErrno, ok } from '../outcome.js';
import type { EchoShape } from './session.js';

/** The arguments of one `ping` run (exported for tests). */
export function pingArgs(egress: Egress, timeoutMs: number, shape: EchoShape): string[] {
  const seconds = Math.max(0.001, timeoutMs / 1000).toFixed(3);
  return [
    '-n',
    '-q',
    '-c',
    '1',
    '-W',
    seconds,
    '-s',
    String(shape.payloadBytes),
    '-t',
    String(shape.ttl),
    ...(egress.device ? ['-I', egress.device] : []),
    egress.family === 6 ? '-6' : '-4',
    egress.address,
  ];
}

/** Reads one `ping -q -c 1` run: its RTT (from the summary line), or why it failed. */
export function readPing(exitCode: number | undefined, stdout: string, stderr: string, elapsedMs: number): ProbeResult {
  if (exitCode === 0) {
    const m = /= ([\d.]+)\/[\d.]+\/[\d.]+/.exec(stdout);
    return ok(m ? Number(m[1]) : elapsedMs);
  }
  const errno = errnoInText(stderr);
  if (errno) return failErrno(errno);
  if (/Unreachable/i.test(stdout)) return fail('unreachable', 'EHOSTUNREACH: destination unreachable');
  if (exitCode === 1) return fail('timeout');
  // iputils prefixes its own messages with "ping: " already.
  const said = (stderr.trim().split('\n')[0] ?? '').replace(/^ping:\s*/, '');
  return fail('error', `ping: ${said || `exit ${exitCode ?? '?'}`}`);
}

/** One echo request through `ping`. Never rejects. */
export function systemPing(
  egress: Egress,
  timeoutMs: number,
  shape: EchoShape,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return runPing('ping', pingArgs(egress, timeoutMs, shape), timeoutMs, readPing, signal);
}

/** Reads one finished ping run. */
export type PingReader = (
  exitCode: number | undefined,
  stdout: string,
  stderr: string,
  elapsedMs: number,
) => ProbeResult;

/** Runs one ping process (`command` with `args`) and reads it with `read`. Never rejects. */
export async function runPing(
  command: string,
  args: string[],
  timeoutMs: number,
  read: PingReader,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const start = performance.now();
  try {
    // Loaded on first use: most installations never need it, and it costs memory.
    const { execa } = await import('execa');
    const res = await execa(command, args, {
      timeout: timeoutMs + 1000,
      reject: false,
      cancelSignal: signal,
      env: { LC_ALL: 'C' },
    });
    if (res.isCanceled) return fail('aborted');
    if (res.timedOut) return fail('timeout');
    if (res.failed && res.exitCode === undefined) return fail('error', `ping: ${res.shortMessage}`);
    return read(res.exitCode, String(res.stdout), String(res.stderr), performance.now() - start);
  } catch (err) {
    return fail('error', `ping: ${err instanceof Error ? err.message : String(err)}`);
  }
}
