/**
 * The one table of errno codes the probes know: the strerror() texts they
 * arrive as (raw-socket reports send errors by text, and the system pings
 * print them: glibc's wording first, FreeBSD's where it differs), and what
 * each means for a probe. Every failure reason built from an errno, whatever
 * the backend, is decided here.
 */
import type { ProbeFailure } from '@wanwatch/core';

interface Errno {
  readonly code: string;
  /** strerror() texts, exactly as printed. */
  readonly texts: readonly string[];
  readonly reason: ProbeFailure;
  /** A socket bound to the device cannot be trusted after it (the device is gone or was re-created). */
  readonly staleSocket?: true;
}

const ERRNOS: readonly Errno[] = [
  { code: 'ENETDOWN', texts: ['Network is down'], reason: 'link-down' },
  { code: 'ENODEV', texts: ['No such device'], reason: 'link-down', staleSocket: true },
  // FreeBSD's sendto() on a device that is gone (a tun/pppoe without its daemon) says "Device not configured".
  {
    code: 'ENXIO',
    texts: ['No such device or address', 'Device not configured'],
    reason: 'link-down',
    staleSocket: true,
  },
  { code: 'EBADF', texts: ['Bad file descriptor'], reason: 'error', staleSocket: true },
  { code: 'ENETUNREACH', texts: ['Network is unreachable'], reason: 'unreachable' },
  { code: 'EHOSTUNREACH', texts: ['No route to host'], reason: 'unreachable' },
  { code: 'EHOSTDOWN', texts: ['Host is down'], reason: 'unreachable' },
  { code: 'ECONNREFUSED', texts: ['Connection refused'], reason: 'refused' },
  { code: 'ECONNRESET', texts: ['Connection reset by peer'], reason: 'refused' },
  { code: 'ETIMEDOUT', texts: ['Connection timed out', 'Operation timed out'], reason: 'timeout' },
  {
    code: 'EADDRNOTAVAIL',
    texts: ['Cannot assign requested address', "Can't assign requested address"],
    reason: 'error',
  },
  { code: 'EPERM', texts: ['Operation not permitted'], reason: 'error' },
  { code: 'EACCES', texts: ['Permission denied'], reason: 'error' },
  { code: 'ENOBUFS', texts: ['No buffer space available'], reason: 'error' },
  { code: 'EINVAL', texts: ['Invalid argument'], reason: 'error' },
];

const BY_CODE = new Map(ERRNOS.map((e) => [e.code, e]));
const BY_TEXT = new Map(ERRNOS.flatMap((e) => e.texts.map((t) => [t, e] as const)));
/** Longest text first, so that "No such device or address" is not read as "No such device". */
const TEXTS_LONGEST_FIRST = [...BY_TEXT.keys()].sort((a, b) => b.length - a.length);

/** True when the table knows `code` (the probes report it by name alone). */
export function isKnownErrno(code: string): boolean {
  return BY_CODE.has(code);
}

/** What `code` means for a probe; `error` for a code the table does not know. */
export function failureOfErrno(code: string): ProbeFailure {
  return BY_CODE.get(code)?.reason ?? 'error';
}

/** The errno name of an error from Node (its `code`) or raw-socket (its message), or null. */
export function errnoOf(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z0-9]+$/.test(code)) return code;
  return BY_TEXT.get(err.message)?.code ?? null;
}

/** The errno whose strerror() text a tool printed somewhere in `output` (e.g. `ping: sendto: Network is down`), or null. */
export function errnoInText(output: string): string | null {
  const lower = output.toLowerCase();
  const text = TEXTS_LONGEST_FIRST.find((t) => lower.includes(t.toLowerCase()));
  return text === undefined ? null : (BY_TEXT.get(text)?.code ?? null);
}

/** True for errors after which a socket bound to a device cannot be trusted (device gone or renumbered). */
export function meansStaleSocket(err: unknown): boolean {
  const code = errnoOf(err);
  return code !== null && BY_CODE.get(code)?.staleSocket === true;
}
