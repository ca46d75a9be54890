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
