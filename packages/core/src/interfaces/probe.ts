import type { Uplink } from '../uplink.js';

/**
 * Which way a probe leaves the box.
 *
 * - `uplink`: out of the uplink's own device, whether or not it carries the
 *   default route. This is how every uplink is measured all the time.
 * - `default`: along the default route, as user traffic goes. The switch
 *   controller uses it to verify a new path after a switch.
 */
export type ProbePath = 'uplink' | 'default';

/** One probe of one target. */
export interface ProbeRequest {
  /** The uplink being measured. */
  readonly uplink: Uplink;
  /** One of `uplink.targets`, as written there. */
  readonly target: string;
  /** Give up and report `timeout` after this long. */
  readonly timeoutMs: number;
  /** Which way the probe leaves. */
  readonly path: ProbePath;
  /** Aborted when the engine stops; the probe should resolve promptly. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * The outcome of one probe. A probe never throws: every failure is a result
 * with `ok: false` and a short reason (`timeout`, `ENETUNREACH`, `http 503`…).
 */
export type ProbeResult =
  { readonly ok: true; readonly rttMs: number } | { readonly ok: false; readonly error: string };

/**
 * A probe backend (ICMP, TCP, HTTP, DNS, a simulation…).
 *
 * @example
 * ```ts
 * const probe: Probe = { send: async (req) => ({ ok: true, rttMs: 12 }) };
 * ```
 */
export interface Probe {
  /** Probes one target. Must resolve (never reject) within about `timeoutMs`. */
  send(request: ProbeRequest): Promise<ProbeResult>;
  /** Releases sockets and sessions. */
  close?(): Promise<void>;
}
