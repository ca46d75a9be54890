/**
 * The target grammar: what a string in `uplink.targets` means to the probes.
 *
 * | form | probe |
 * | --- | --- |
 * | `192.0.2.10`, `2001:db8::10`, `icmp:192.0.2.10` | ICMP echo (IPv4 / IPv6 by the address) |
 * | `gateway`, `icmp:gateway` | ICMP echo to the uplink's IPv4 `gateway` |
 * | `gateway6`, `icmp:gateway6` | ICMP echo to the uplink's IPv6 `gateway6` (a link-local one gets the device as zone) |
 * | `tcp:192.0.2.10:443`, `tcp:[2001:db8::10]:443`, `tcp:gateway:22` | TCP connect |
 *
 * A gateway configured as `auto` (or not at all) is asked of the
 * `resolveGateway` option (the platform adapter knows the current one, e.g.
 * from a DHCP lease).
 * | `http://192.0.2.10/health`, `https://[2001:db8::10]/` | HTTP(S) GET, 2xx/3xx is success |
 * | `http://…#status=200-204&match=OK` | …with the expected status (or range) and a body substring |
 * | `dns:192.0.2.53:example.org`, `dns:[2001:db8::53]:example.org:AAAA` | DNS query (A by default) |
 *
 * Addresses are literal IPv4 / IPv6 addresses (an IPv6 link-local address
 * may carry a zone, `fe80::1%eth1`). HTTP URLs may name a host; it is then
 * resolved by the system resolver, which does not follow the uplink, so
 * literal addresses are preferred. The URL fragment is never sent; it only
 * carries the probe's expectations.
 */
import { isIP } from 'node:net';

/** A parsed target. `host` is an address or the word `gateway` or `gateway6`. */
export type ParsedTarget =
  | { readonly kind: 'icmp'; readonly host: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | {
      readonly kind: 'http';
      readonly url: URL;
      /** Accepted status codes, inclusive. */
      readonly status: readonly [number, number];
      /** A substring the body must contain. */
      readonly match: string | undefined;
    }
  | { readonly kind: 'dns'; readonly server: string; readonly name: string; readonly type: 'A' | 'AAAA' };

/** A target string that is not in the grammar. */
export class TargetSyntaxError extends Error {
  constructor(
    readonly target: string,
    reason: string,
  ) {
    super(`invalid target ${JSON.stringify(target)}: ${reason}`);
    this.name = 'TargetSyntaxError';
  }
}

const NAME =
  /^(?=.{1,253}$)([A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

function host(text: string, target: string): string {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (bare === 'gateway' || bare === 'gateway6') return bare;
  const [addr = '', zone] = bare.split('%');
  if (isIP(addr) === 0)
    throw new TargetSyntaxError(target, `${JSON.stringify(text)} is not an IP address, "gateway" or "gateway6"`);
  if (zone !== undefined && !/^[A-Za-z0-9_.-]{1,15}$/.test(zone)) throw new TargetSyntaxError(target, 'bad zone');
  return bare;
}

/** Splits `host:rest` where host may be `[v6]`. */
function hostAndRest(text: string, target: string): [string, string] {
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0 || text[end + 1] !== ':') throw new TargetSyntaxError(target, 'expected [address]:…');
    return [text.slice(0, end + 1), text.slice(end + 2)];
  }
  const at = text.indexOf(':');
  if (at < 0) throw new TargetSyntaxError(target, 'expected address:…');
  return [text.slice(0, at), text.slice(at + 1)];
}

function parseHttp(target: string): ParsedTarget {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TargetSyntaxError(target, 'not a URL');
  }
  const params = new URLSearchParams(url.hash.slice(1));
  let status: [number, number] = [200, 399];
  const want = params.get('status');
  if (want !== null) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(want);
    if (!m) throw new TargetSyntaxError(target, 'status must be NNN or NNN-NNN');
    status = [Number(m[1]), Number(m[2] ?? m[1])];
  }
  url.hash = '';
  return { kind: 'http', url, status, match: params.get('match') ?? undefined };
}

/** Parses a target; throws {@link TargetSyntaxError} when it is not in the grammar. */
export function parseTarget(target: string): ParsedTarget {
  if (target.length === 0 || target.length > 2048) throw new TargetSyntaxError(target, 'empty or too long');
  if (/^https?:\/\//i.test(target)) return parseHttp(target);
  if (target.startsWith('icmp:')) return { kind: 'icmp', host: host(target.slice(5), target) };
  if (target.startsWith('tcp:')) {
    const [h, portText] = hostAndRest(target.slice(4), target);
    const port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535)
      throw new TargetSyntaxError(target, 'port must be 1…65535');
    return { kind: 'tcp', host: host(h, target), port };
  }
  if (target.startsWith('dns:')) {
    const [h, rest] = hostAndRest(target.slice(4), target);
    const [name = '', type = 'A', ...extra] = rest.split(':');
    if (extra.length > 0 || (type !== 'A' && type !== 'AAAA'))
      throw new TargetSyntaxError(target, 'expected dns:server:name[:A|AAAA]');
    if (!NAME.test(name)) throw new TargetSyntaxError(target, `${JSON.stringify(name)} is not a DNS name`);
    return { kind: 'dns', server: host(h, target), name, type };
  }
  return { kind: 'icmp', host: host(target, target) };
}

/** Checks a target without probing: the error text, or null when it is valid (for config validation). */
export function targetError(target: string): string | null {
  try {
    parseTarget(target);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
