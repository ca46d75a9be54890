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
 * Why a probe failed, decided once by the probe (which knows its errno codes
 * and tools); the engine reads this field and never parses the detail.
 *
 * - `timeout`: no answer within the timeout;
 * - `link-down`: the uplink's device is down, has no carrier, or is gone
 *   (`ENETDOWN`, `ENODEV`, `ENXIO`). A round in which every probe says so
 *   makes the uplink `down` at once, even without link events;
 * - `no-device`: the uplink's device does not exist (a typo, a modem not
 *   plugged in, a PPP link not dialled): like `link-down`, and the uplink's
 *   state says `no such device`;
 * - `unreachable`: the network reported the target unreachable (no route,
 *   ICMP unreachable, TTL exceeded);
 * - `refused`: the target answered, but not as required (connection refused
 *   or reset, an HTTP status, a DNS error code, a body mismatch);
 * - `aborted`: the probe was cancelled (the engine is stopping, the probe was closed);
 * - `error`: anything else (no address to send from, no permission, an
 *   invalid target, a probe that did not return).
 */
export type ProbeFailure = 'timeout' | 'link-down' | 'no-device' | 'unreachable' | 'refused' | 'aborted' | 'error';

/**
 * The outcome of one probe. A probe never throws: every failure is a result
 * with `ok: false`, its {@link ProbeFailure} `reason`, and a `detail` for the
 * operator that starts with a short stable token (`timeout`,
 * `ENETDOWN: wan2 has no carrier`, `http 503`…).
 *
 * @example
 * ```ts
 * const lost: ProbeResult = { ok: false, reason: 'timeout', detail: 'timeout' };
 * ```
 */
export type ProbeResult =
  | { readonly ok: true; readonly rttMs: number }
  | { readonly ok: false; readonly reason: ProbeFailure; readonly detail: string };

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
