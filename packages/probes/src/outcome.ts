/**
 * Probe outcomes. A probe never throws: every outcome is a ProbeResult. A
 * failure carries a `reason` the engine reads (`timeout`, `link-down`,
 * `unreachable`, `refused`, `aborted`, `error`; see core's `ProbeFailure`)
 * and a `detail` for the operator that starts with a short stable token
 * (`timeout`, `ENETDOWN`, `EHOSTUNREACH`, `http 503`, `dns SERVFAIL`…),
 * optionally followed by `: more`.
 */
import type { ProbeFailure, ProbeResult } from '@wanwatch/core';
import { errnoOf, failureOfErrno, isKnownErrno } from './errno.js';

export const ok = (rttMs: number): ProbeResult => ({ ok: true, rttMs: Math.max(0, rttMs) });

/** A failure for `reason`; its detail defaults to the reason's own name. */
export const fail = (reason: ProbeFailure, detail: string = reason): ProbeResult => ({ ok: false, reason, detail });

/** A failure named by an errno code alone (`ENETDOWN`), optionally with more words (`ENETDOWN: wan2 is down`). */
export const failErrno = (code: string, more?: string): ProbeResult =>
  fail(failureOfErrno(code), more === undefined ? code : `${code}: ${more}`);

/** The failure for a thrown error: its errno when it has one (the detail names it), `error` otherwise. */
export function failureOf(err: unknown): ProbeResult {
  const code = errnoOf(err);
  if (code && isKnownErrno(code)) return failErrno(code);
  const message = err instanceof Error ? err.message : String(err);
  return code ? fail(failureOfErrno(code), `${code}: ${message}`) : fail('error', `error: ${message}`);
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
      settle(failureOf(err));
    }
    // `run` may have settled before it returned its clean-up.
    if (settled) cleanup?.();
  });
}
