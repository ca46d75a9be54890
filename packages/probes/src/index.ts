/**
 * @wanwatch/probes — probe backends for wanwatch's engine: ICMP (IPv4 and
 * IPv6, raw sockets bound to the uplink's device, or the system ping as a
 * fallback), TCP connect, HTTP(S) and DNS, all leaving through the uplink
 * they measure. See target.ts for the target grammar.
 *
 * @example
 * ```ts
 * import { Engine } from '@wanwatch/core';
 * import { createProbe } from '@wanwatch/probes';
 * const engine = new Engine({ uplinks, adapter, probe: createProbe() });
 * ```
 */
export { createProbe, WanwatchProbe, DEFAULT_PAYLOAD_BYTES, DEFAULT_TTL, type ProbeOptions } from './probe.js';
export { parseTarget, targetError, TargetSyntaxError, type ParsedTarget } from './target.js';
export { assertInterfaceName, readLink, type LinkState } from './device.js';
export type { GatewayResolver } from './egress.js';
export type { HttpOptions } from './http.js';
export type { IcmpBackendChoice, IcmpBackendName, ProbeLogger } from './icmp/backend.js';
export type { NetPingModule, NetPingSession, NetPingSessionOptions, RawSocketLike } from './icmp/net-ping-types.js';
