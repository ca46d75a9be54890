/**
 * How a probe leaves: for `path: 'uplink'`, through the uplink's own device
 * (checked first, so that a device that is down, without carrier or gone
 * fails at once instead of after a timeout); for `path: 'default'`, along
 * the main routing table with nothing bound.
 */
import { isIP } from 'node:net';
import { isInterfaceName, type ProbeRequest, type ProbeResult, type Uplink } from '@wanwatch/core';
import type { LinkCache } from './device.js';
import { fail, failErrno } from './outcome.js';

/** Where and how one probe goes. */
export interface Egress {
  /** The destination address (the uplink's gateway when the target said `gateway`). */
  readonly address: string;
  readonly family: 4 | 6;
  /** The device to bind to, or null for `path: 'default'`. */
  readonly device: string | null;
  /** The device's ifindex when bound (0 otherwise). */
  readonly ifindex: number;
  /** The uplink's own address of `family`, for sockets that bind to an address; undefined for `default`. */
  readonly source: string | undefined;
}

/** Finds an uplink's current gateway when it is configured as `auto` (the platform adapter knows it). */
export type GatewayResolver = (uplink: Uplink, family: 4 | 6) => string | null;

/** The address a `gateway`/`gateway6` host stands for, or null when none is known. */
function gatewayAddress(uplink: Uplink, family: 4 | 6, resolve: GatewayResolver | undefined): string | null {
  const configured = family === 4 ? uplink.gateway : uplink.gateway6;
  if (configured !== undefined && configured !== 'auto') return configured;
  return resolve?.(uplink, family) ?? null;
}

/**
 * Resolves `host` (an address, `gateway` or `gateway6`) of `request`; a failure result when it cannot leave now.
 * `needSource`: the probe binds to the uplink's address (fails with EADDRNOTAVAIL without one);
 * `linkLocalSource`: that IPv6 address is link-local exactly when the destination is (FreeBSD's ping -S).
 */
export function egress(
  request: ProbeRequest,
  host: string,
  links: LinkCache,
  needSource: boolean,
  resolveGateway?: GatewayResolver,
  linkLocalSource = false,
): Egress | ProbeResult {
  const { uplink } = request;
  const isGateway = host === 'gateway' || host === 'gateway6';
  let address = isGateway ? gatewayAddress(uplink, host === 'gateway' ? 4 : 6, resolveGateway) : host;
  if (address === null) return fail('error', `no gateway: uplink ${uplink.id} has no ${host} address to probe`);
  const family = isIP(address.split('%')[0] ?? '');
  if (family !== 4 && family !== 6)
    return fail('error', `invalid target: ${host} ${JSON.stringify(address)} is not an address`);
  // A link-local next hop means nothing without its link.
  if (family === 6 && /^fe[89ab]/i.test(address) && !address.includes('%') && uplink.interface)
    address = `${address}%${uplink.interface}`;
  if (request.path === 'default') return { address, family, device: null, ifindex: 0, source: undefined };

  const dev = uplink.interface;
  if (dev === undefined)
    return fail('error', `no interface: uplink ${request.uplink.id} has no interface to probe through`);
  if (!isInterfaceName(dev)) return fail('error', `invalid interface name ${JSON.stringify(dev)}`);
  const link = links.get(dev);
  if (!link.exists) return fail('no-device', `ENODEV: ${dev} does not exist`);
  if (!link.up) return failErrno('ENETDOWN', `${dev} is down`);
  if (!link.carrier) return failErrno('ENETDOWN', `${dev} has no carrier`);
  let source: string | undefined;
  if (needSource) {
    // With a source-bound ping (FreeBSD), a link-local destination needs a link-local source and a
    // global one a global source (dpinger picks them the same way); else the first address, as before.
    if (linkLocalSource && family === 6) {
      const scoped = address.includes('%');
      source = link.addresses[6].find((a) => a.includes('%') === scoped);
    } else source = link.addresses[family][0];
    if (source === undefined) return failErrno('EADDRNOTAVAIL', `${dev} has no IPv${family} address`);
  }
  return { address, family, device: dev, ifindex: link.ifindex, source };
}

/** True when `x` is a failure result rather than an {@link Egress}. */
export function isResult(x: Egress | ProbeResult): x is ProbeResult {
  return 'ok' in x;
}
