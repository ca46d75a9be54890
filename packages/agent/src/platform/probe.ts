/** The probe every real platform uses: `@wanwatch/probes`, `gateway` targets asking the platform. */
import type { Probe, Uplink } from '@wanwatch/core';
import { createProbe, type ProbeSystem } from '@wanwatch/probes';
import type { IcmpSettings, PlatformLogger } from './platform.js';

/**
 * The probe of a real platform: `gateway` targets of `auto` uplinks ask `gatewayOf`.
 * `system`: whose mechanisms the probe uses (see `@wanwatch/probes`); default by `process.platform`.
 */
export function platformProbe(
  icmp: IcmpSettings,
  gatewayOf: (id: string, family: 4 | 6) => string | null,
  logger: PlatformLogger,
  system?: ProbeSystem,
): Probe {
  return createProbe({
    ...(system === undefined ? {} : { system }),
    resolveGateway: (u: Uplink, family) => gatewayOf(u.id, family),
    icmp: { backend: icmp.backend, payloadBytes: icmp.payloadBytes, ttl: icmp.ttl },
    logger,
  });
}
