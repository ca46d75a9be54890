/**
 * Lines of `ip -N -o monitor link address route rule`, one event a line:
 *
 *   3: wan1@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 … state LOWERLAYERDOWN …   (link)
 *   Deleted 5: wan2@NONE: <BROADCAST,MULTICAST> …                                          (link gone)
 *   3: wan1    inet 100.64.1.3/24 scope global secondary wan1\ …                           (address)
 *   Deleted default via 100.64.2.1 dev wan2 table 102 …                                    (route)
 *   Deleted 1000:	from all oif wan2 lookup 102                                            (rule)
 *
 * Only what the adapter acts on is kept; any other line is null.
 */

/** A change the adapter acts on. */
export type MonitorEvent =
  | {
      readonly kind: 'link';
      readonly deleted: boolean;
      /** The name as printed, `wan1@if2` for a device with a peer or a lower device. */
      readonly name: string;
      readonly flags: readonly string[];
    }
  | { readonly kind: 'address'; readonly deleted: boolean; readonly name: string }
  | {
      readonly kind: 'route';
      readonly deleted: boolean;
      readonly dev: string | undefined;
      /** Numeric table; 254 (main) when none is printed. */
      readonly table: number;
      readonly metric: number;
    }
  | { readonly kind: 'rule'; readonly deleted: boolean; readonly table: number | undefined };

const LINK = /^(Deleted )?\d+: (\S+): <([^>]*)>/;
const ADDRESS = /^(Deleted )?\d+: (\S+)\s+inet6? /;
const RULE = /^(Deleted )?\d+:\s+from \S+.*?\blookup (\S+)/;
const ROUTE = /^(Deleted )?(?:unicast )?default\b(.*)$/;

const TABLE_NAMES: Record<string, number> = { main: 254, local: 255, default: 253 };

function tableNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  return TABLE_NAMES[value] ?? -1;
}

/** Parses one monitor line. */
export function parseMonitorLine(line: string): MonitorEvent | null {
  let m = LINK.exec(line);
  if (m) return { kind: 'link', deleted: m[1] !== undefined, name: m[2]!, flags: m[3]!.split(',').filter(Boolean) };
  m = RULE.exec(line);
  if (m) return { kind: 'rule', deleted: m[1] !== undefined, table: tableNumber(m[2]) };
  m = ADDRESS.exec(line);
  if (m) return { kind: 'address', deleted: m[1] !== undefined, name: m[2]! };
  m = ROUTE.exec(line);
  if (m) {
    const rest = m[2]!;
    return {
      kind: 'route',
      deleted: m[1] !== undefined,
      dev: / dev (\S+)/.exec(rest)?.[1],
      table: tableNumber(/ table (\S+)/.exec(rest)?.[1]) ?? 254,
      metric: Number(/ metric (\d+)/.exec(rest)?.[1] ?? 0),
    };
  }
  return null;
}

/** True when a printed link name (`wan1@if2`) is device `dev`. */
export function isDevice(printed: string, dev: string): boolean {
  return printed === dev || printed.startsWith(`${dev}@`);
}

/** Carrier from a link line's flags: up with the lower layer up. */
export function carrierOf(flags: readonly string[]): 'up' | 'down' {
  return flags.includes('UP') && flags.includes('LOWER_UP') && !flags.includes('NO-CARRIER') ? 'up' : 'down';
}
