/**
 * Probe outcomes. A probe never throws: every outcome is a ProbeResult, and
 * a failure's `error` starts with a short stable reason (`timeout`,
 * `ENETDOWN`, `EHOSTUNREACH`, `http 503`, `dns SERVFAIL`…), optionally
 * followed by `: detail` for the operator.
 */
import type { ProbeResult } from '@wanwatch/core';

export const ok = (rttMs: number): ProbeResult => ({ ok: true, rttMs: Math.max(0, rttMs) });
export const fail = (error: string): ProbeResult => ({ ok: false, error });

/** errno codes a probe reports by name; everything else is reported with its message. */
const KNOWN = new Set([
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENODEV',
  'ENXIO',
  'EADDRNOTAVAIL',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPERM',
  'EACCES',
  'ENOBUFS',
  'EINVAL',
  'ETIMEDOUT',
]);

/** strerror() texts, as raw-socket reports send errors (it gives the text, not the code). */
const BY_MESSAGE: Readonly<Record<string, string>> = {
  'Network is down': 'ENETDOWN',
  'Network is unreachable': 'ENETUNREACH',
  'No route to host': 'EHOSTUNREACH',
  'Host is down': 'EHOSTDOWN',
  'No such device': 'ENODEV',
  'No such device or address': 'ENXIO',
  'Cannot assign requested address': 'EADDRNOTAVAIL',
  'Operation not permitted': 'EPERM',
  'Permission denied': 'EACCES',
  'No buffer space available': 'ENOBUFS',
  'Invalid argument': 'EINVAL',
};

/** The errno name of an error from Node or raw-socket, or null. */
export function errnoOf(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  return BY_MESSAGE[err.message] ?? null;
}

/** A failure reason for a thrown error: its errno name when it has one. */
export function reasonOf(err: unknown): string {
  const code = errnoOf(err);
  if (code && KNOWN.has(code)) return code;
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${code}: ${message}` : `error: ${message}`;
}

/** Errors after which a socket bound to a device cannot be trusted any more (device gone or renumbered). */
export function meansDeviceGone(err: unknown): boolean {
  const code = errnoOf(err);
  return code === 'ENODEV' || code === 'ENXIO' || code === 'EBADF';
}

/**
 * Runs one probe that settles exactly once: with `timeout` after
 * `timeoutMs`, with `aborted` when `signal` fires, with a failure if `run`
 * throws, or with what `run` reports through `settle`. `run` returns the
 * clean-up to do when the probe settles (destroy the socket, cancel the
 * query), which runs exactly once.
 */
export function settleOnce(
  timeoutMs: number,
  signal: AbortSignal | undefined,
  run: (settle: (result: ProbeResult) => void) => () => void,
): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    let cleanup: (() => void) | undefined;
    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      cleanup?.();
      resolve(result);
    };
    const timer = setTimeout(() => settle(fail('timeout')), timeoutMs);
    const onAbort = () => settle(fail('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      cleanup = run(settle);
    } catch (err) {
      settle(fail(reasonOf(err)));
    }
    // `run` may have settled before it returned its clean-up.
    if (settled) cleanup?.();
  });
}
