/**
 * @wanwatch/probes — probe backends for wanwatch's engine: ICMP (IPv4 and
 * IPv6, raw sockets bound to the uplink's device, or the system ping as a
 * fallback; on FreeBSD the system ping bound to the uplink's address), TCP
 * connect, HTTP(S) and DNS, all leaving through the uplink they measure. See
 * target.ts for the target grammar and system.ts for Linux vs FreeBSD.
 *
 * @example
 * ```ts
 * import { Engine } from '@wanwatch/core';
 * import { createProbe } from '@wanwatch/probes';
 * const engine = new Engine({ uplinks, adapter, probe: createProbe() });
 * ```
 */
export {
  createProbe,
  WanwatchProbe,
  DEFAULT_PAYLOAD_BYTES,
  DEFAULT_TTL,
  ICMP_LIMITS,
  type FreeBsdProbeOptions,
  type ProbeOptions,
} from './probe.js';
export { probeSystemFor, type ProbeSystem } from './system.js';
export { freebsdPingArgs, readFreebsdPing, FREEBSD_PING } from './icmp/freebsd-ping.js';
export {
  readIfconfig,
  DEFAULT_IFCONFIG_MAX_AGE_MS,
  FREEBSD_IFCONFIG,
  type IfconfigRun,
  type IfconfigRunner,
  type IfconfigState,
} from './freebsd/links.js';
export { parseTarget, targetError, TargetSyntaxError, type ParsedTarget } from './target.js';
export { assertInterfaceName, readLink, type LinkState } from './device.js';
export type { GatewayResolver } from './egress.js';
export type { HttpOptions } from './http.js';
export type { IcmpBackendChoice, IcmpBackendName, ProbeLogger } from './icmp/backend.js';
export type { NetPingModule, NetPingSession, NetPingSessionOptions, RawSocketLike } from './icmp/net-ping-types.js';
