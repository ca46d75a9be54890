/**
 * Reading FreeBSD's `ifconfig` output (FreeBSD 14 `sbin/ifconfig`): one
 * block per interface, `flags=…<UP,…>`, `inet <a> netmask 0x… [vhid n]`,
 * `inet6 <a>[%scope] prefixlen n [vhid n]`, and per CARP vhid
 * `carp: <INIT|BACKUP|MASTER> vhid <n> advbase <b> advskew <s>`.
 * OPNsense parses the same lines (`legacy_interfaces_details`).
 */

/** CARP state of one vhid as the kernel reports it. */
export type CarpState = 'INIT' | 'BACKUP' | 'MASTER';

/** One address of an interface. */
export interface InterfaceAddress {
  readonly address: string;
  readonly bits: number;
  /** Set on CARP virtual addresses. */
  readonly vhid?: number | undefined;
}

/** One CARP vhid on an interface. */
export interface CarpVhid {
  readonly vhid: number;
  readonly state: CarpState;
  readonly advbase: number;
  readonly advskew: number;
}

/** One interface block. */
export interface IfconfigInterface {
  readonly device: string;
  readonly flags: readonly string[];
  /** `UP` is among the flags. */
  readonly up: boolean;
  readonly ipv4: readonly InterfaceAddress[];
  /** Global and unique-local addresses; link-local ones are left out. */
  readonly ipv6: readonly InterfaceAddress[];
  readonly carp: readonly CarpVhid[];
  /** `status:` line (`active`, `no carrier`), when printed. */
  readonly status: string | undefined;
}

function bitsOfNetmask(hex: string): number {
  const n = Number.parseInt(hex.replace(/^0x/, ''), 16);
  let bits = 0;
  for (let b = 31; b >= 0 && (n >>> b) & 1; b--) bits++;
  return bits;
}

const CARP = /^carp: (INIT|BACKUP|MASTER) vhid (\d+) advbase (\d+) advskew (\d+)/;

/**
 * Parses `ifconfig` / `ifconfig -a` / `ifconfig <dev>` output.
 *
 * @example
 * ```ts
 * const [wan] = parseIfconfig('vtnet1: flags=8843<UP,BROADCAST> metric 0 mtu 1500\n\tinet 192.0.2.2 netmask 0xffffff00\n');
 * wan.ipv4[0]; // { address: '192.0.2.2', bits: 24 }
 * ```
 */
export function parseIfconfig(text: string): IfconfigInterface[] {
  const out: IfconfigInterface[] = [];
  let current: {
    device: string;
    flags: string[];
    ipv4: InterfaceAddress[];
    ipv6: InterfaceAddress[];
    carp: CarpVhid[];
    status: string | undefined;
  } | null = null;
  const flush = () => {
    if (current) out.push({ ...current, up: current.flags.includes('UP') });
  };
  for (const raw of text.split('\n')) {
    const head = /^([A-Za-z0-9_.]+): flags=[0-9a-f]+<([^>]*)>/.exec(raw);
    if (head) {
      flush();
      current = {
        device: head[1]!,
        flags: head[2]!.split(',').filter(Boolean),
        ipv4: [],
        ipv6: [],
        carp: [],
        status: undefined,
      };
      continue;
    }
    if (!current) continue;
    const line = raw.trim();
    const words = line.split(/\s+/);
    const vhidAt = words.indexOf('vhid');
    const vhid = vhidAt > 0 && words[0] !== 'carp:' ? Number(words[vhidAt + 1]) : undefined;
    if (words[0] === 'inet' && words[2] === 'netmask' && words[1] && words[3]) {
      current.ipv4.push({ address: words[1], bits: bitsOfNetmask(words[3]), vhid });
    } else if (words[0] === 'inet6' && words[1] && words[2] === 'prefixlen') {
      const address = words[1].split('%')[0]!;
      if (!/^fe80:/i.test(address)) current.ipv6.push({ address, bits: Number(words[3]), vhid });
    } else if (words[0] === 'carp:') {
      const m = CARP.exec(line);
      if (m)
        current.carp.push({
          state: m[1] as CarpState,
          vhid: Number(m[2]),
          advbase: Number(m[3]),
          advskew: Number(m[4]),
        });
    } else if (words[0] === 'status:') {
      current.status = line.slice('status:'.length).trim();
    }
  }
  flush();
  return out;
}
