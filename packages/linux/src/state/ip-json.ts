/**
 * Reading the kernel's state with `ip -N -json` (numeric tables and
 * protocols, so a name in /etc/iproute2/rt_tables never hides a table id).
 * Parsing is defensive: a field of an unexpected type is treated as absent,
 * and output that is not JSON is an `E_ADAPTER` error naming the command.
 */
import { WanwatchError } from '@wanwatch/core';
import type { CommandRunner } from '@wanwatch/exec';
import { plainAddress } from '../validate.js';

/** Table ids the kernel reserves. */
export const MAIN_TABLE = 254;

/** One route as `ip -json route` prints it, reduced to what the adapter uses. */
export interface RouteEntry {
  readonly family: 4 | 6;
  /** `default` or a prefix. */
  readonly dst: string;
  /** Numeric table id; the main table (printed without a table) is 254. */
  readonly table: number;
  /** `unicast` unless the route is a blackhole, unreachable, prohibit… */
  readonly type: string;
  readonly gateway: string | undefined;
  readonly dev: string | undefined;
  /** 0 when `ip` prints none. */
  readonly metric: number;
  readonly protocol: string | undefined;
  readonly flags: readonly string[];
  /** True for a multipath route (several next hops). */
  readonly multipath: boolean;
}

/** One policy rule. */
export interface RuleEntry {
  readonly family: 4 | 6;
  readonly pref: number;
  /** `all` or an address (with `srclen` folded in as `/len` when it is not a host prefix). */
  readonly src: string;
  readonly oif: string | undefined;
  readonly iif: string | undefined;
  /** Numeric table id, or undefined for rules that do not look up a table. */
  readonly table: number | undefined;
  /** True when the rule has selectors other than src, oif (fwmark, dst, iif…): never one of ours. */
  readonly other: boolean;
}

/** A device. */
export interface LinkEntry {
  readonly ifindex: number;
  readonly name: string;
  readonly flags: readonly string[];
  readonly linkType: string | undefined;
  /** Global (and, for IPv6, non-tentative) addresses by family. */
  readonly addresses: { readonly 4: readonly string[]; readonly 6: readonly string[] };
}

type Json = Record<string, unknown>;

const str = (o: Json, k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);
const num = (o: Json, k: string): number | undefined => {
  const v = o[k];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
};
const strings = (o: Json, k: string): string[] =>
  Array.isArray(o[k]) ? (o[k] as unknown[]).filter((x): x is string => typeof x === 'string') : [];

function parseList(stdout: string, command: readonly string[]): Json[] {
  const text = stdout.trim();
  if (text === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WanwatchError('E_ADAPTER', `${command.join(' ')} printed no JSON: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(value)) throw new WanwatchError('E_ADAPTER', `${command.join(' ')} printed no JSON list`);
  return value.filter((x): x is Json => typeof x === 'object' && x !== null);
}

/** Table names `ip` may print even with -N (older versions). */
const TABLE_NAMES: Record<string, number> = { main: 254, local: 255, default: 253, unspec: 0 };

function tableOf(o: Json): number | undefined {
  const n = num(o, 'table');
  if (n !== undefined) return n;
  const name = str(o, 'table');
  return name === undefined ? undefined : (TABLE_NAMES[name] ?? -1);
}

/** Parses `ip -N -json route` output. */
export function parseRoutes(stdout: string, family: 4 | 6, command: readonly string[] = ['ip']): RouteEntry[] {
  return parseList(stdout, command).map((o) => ({
    family,
    dst: str(o, 'dst') ?? '',
    table: tableOf(o) ?? MAIN_TABLE,
    type: str(o, 'type') ?? 'unicast',
    gateway: str(o, 'gateway'),
    dev: str(o, 'dev'),
    metric: num(o, 'metric') ?? 0,
    protocol: str(o, 'protocol'),
    flags: strings(o, 'flags'),
    multipath: Array.isArray(o['nexthops']),
  }));
}

const RULE_KEYS = new Set(['priority', 'src', 'srclen', 'oif', 'oif_detached', 'table']);

/** Parses `ip -N -json rule` output. */
export function parseRules(stdout: string, family: 4 | 6, command: readonly string[] = ['ip']): RuleEntry[] {
  return parseList(stdout, command).map((o) => {
    const src = str(o, 'src') ?? 'all';
    const srclen = num(o, 'srclen');
    const host = family === 4 ? 32 : 128;
    const action = str(o, 'action');
    return {
      family,
      pref: num(o, 'priority') ?? 0,
      src: srclen !== undefined && srclen !== host && src !== 'all' ? `${src}/${srclen}` : src,
      oif: str(o, 'oif'),
      iif: str(o, 'iif'),
      table: action === undefined || action === 'lookup' ? tableOf(o) : undefined,
      other: Object.keys(o).some((k) => !RULE_KEYS.has(k)),
    };
  });
}

/** Parses `ip -json addr show` output into devices with their usable addresses. */
export function parseLinks(stdout: string, command: readonly string[] = ['ip']): LinkEntry[] {
  return parseList(stdout, command).map((o) => {
    const v4: string[] = [];
    const v6: string[] = [];
    for (const a of Array.isArray(o['addr_info']) ? (o['addr_info'] as unknown[]) : []) {
      if (typeof a !== 'object' || a === null) continue;
      const info = a as Json;
      const local = str(info, 'local');
      if (local === undefined || str(info, 'scope') !== 'global') continue;
      // Addresses end up in commands (rules, conntrack): only what is plainly an address is kept.
      const v4address = str(info, 'family') === 'inet' ? plainAddress(local, 4) : null;
      const v6address = str(info, 'family') === 'inet6' ? plainAddress(local, 6) : null;
      if (v4address !== null) v4.push(v4address);
      else if (v6address !== null && info['tentative'] !== true && info['dadfailed'] !== true) v6.push(v6address);
    }
    return {
      ifindex: num(o, 'ifindex') ?? 0,
      name: str(o, 'ifname') ?? '',
      flags: strings(o, 'flags'),
      linkType: str(o, 'link_type'),
      addresses: { 4: v4, 6: v6 },
    };
  });
}

/** True when the device is up with carrier. */
export function hasCarrier(link: LinkEntry): boolean {
  return link.flags.includes('UP') && link.flags.includes('LOWER_UP') && !link.flags.includes('NO-CARRIER');
}

/** True for a point-to-point device (ppp, a wwan modem in raw-IP mode, a tunnel): routes need no next hop. */
export function isPointToPoint(link: LinkEntry): boolean {
  return link.flags.includes('POINTOPOINT') || link.linkType === 'ppp' || link.linkType === 'none';
}

/** Reads state through a {@link CommandRunner}. */
export class IpReader {
  constructor(private readonly runner: CommandRunner) {}

  /** Every default route of `family`, in every table. */
  async defaultRoutes(family: 4 | 6, signal?: AbortSignal): Promise<RouteEntry[]> {
    const argv = ['ip', '-N', '-json', `-${family}`, 'route', 'show', 'table', 'all', 'exact', 'default'];
    const { stdout } = await this.runner.run(argv, { signal });
    return parseRoutes(stdout, family, argv);
  }

  /** Every rule of `family`. */
  async rules(family: 4 | 6, signal?: AbortSignal): Promise<RuleEntry[]> {
    const argv = ['ip', '-N', '-json', `-${family}`, 'rule', 'show'];
    const { stdout } = await this.runner.run(argv, { signal });
    return parseRules(stdout, family, argv);
  }

  /** Every device with its addresses (one command for all uplinks). */
  async links(signal?: AbortSignal): Promise<LinkEntry[]> {
    const argv = ['ip', '-json', 'addr', 'show'];
    const { stdout } = await this.runner.run(argv, { signal });
    return parseLinks(stdout, argv);
  }
}
