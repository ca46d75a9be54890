/**
 * The emulated OPNsense box of the tests: a directory of executables named
 * like the real commands (configctl, ifconfig, route, netstat, sysctl,
 * ifctl, pkill, rtsold, rtsold_script.sh, ping), each running fakebsd.js on one
 * JSON state, and helpers to read the recorded calls and the state back.
 * Give `bin` to the adapter as `commandPath`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./fakebsd.js', import.meta.url));
export const COMMANDS = [
  'configctl',
  'ifconfig',
  'route',
  'netstat',
  'sysctl',
  'ifctl',
  'pkill',
  'rtsold',
  'rtsold_script.sh',
  'ping',
] as const;

export interface FakeAddress {
  address: string;
  bits: number;
  dynamic?: boolean;
  vhid?: number;
}
export interface FakeLease {
  address: string;
  bits: number;
  gateway: string;
}
export interface FakeCarp {
  vhid: number;
  state: 'MASTER' | 'BACKUP' | 'INIT';
  advbase?: number;
  advskew?: number;
}
export interface FakeInterface {
  /** OPNsense's name (wan, opt1, lan). */
  name: string;
  up: boolean;
  dhclient?: boolean;
  ipv4: FakeAddress[];
  ipv6: FakeAddress[];
  lease4?: FakeLease;
  lease6?: FakeLease;
  carp?: FakeCarp[];
  carrier?: boolean;
  /** When dhclient gets its lease: at `linkup start` or only at `reconfigure` (default). */
  leaseOn?: 'linkup' | 'reconfigure';
  /** When the default route follows the lease: with it (default), only on `newip`, or never. */
  routeOn?: 'lease' | 'newip' | 'never';
}
export interface FakeRoute {
  gateway: string;
  interface: string;
}
export interface FakeFault {
  exit?: number;
  stdout?: string;
  stderr?: string;
  /** Keep running this long after doing the work (a hung command). */
  hangMs?: number;
  /** Applies this many times, then is removed. */
  times?: number;
}
export interface FakeState {
  interfaces: Record<string, FakeInterface>;
  routes: { inet: FakeRoute | null; inet6: FakeRoute | null };
  services: Record<string, boolean>;
  sysctl: Record<string, string>;
  faults: Record<string, FakeFault>;
  /** A netlab namespace the changes are mirrored into. */
  lab?: string;
  /** The emulated FreeBSD ping: targets that never answer / answer "Destination Host Unreachable"; the RTT of the others (default 0.4 ms). */
  ping?: { silent?: string[]; unreachable?: string[]; rttMs?: number };
}
export interface FakeCall {
  argv: string[];
  at: number;
}

/** Two DHCP WANs (wan on vtnet1, opt1 on vtnet2), both dark, and a LAN with a CARP VIP. */
export function twoWanState(): FakeState {
  return {
    interfaces: {
      vtnet0: {
        name: 'lan',
        up: true,
        ipv4: [
          { address: '192.0.2.2', bits: 24 },
          { address: '192.0.2.1', bits: 24, vhid: 1 },
        ],
        ipv6: [{ address: '2001:db8:c::2', bits: 64 }],
        carp: [{ vhid: 1, state: 'MASTER', advbase: 1, advskew: 0 }],
      },
      vtnet1: {
        name: 'wan',
        up: false,
        ipv4: [],
        ipv6: [],
        lease4: { address: '198.51.100.2', bits: 24, gateway: '198.51.100.1' },
        lease6: { address: '2001:db8:1::2', bits: 64, gateway: 'fe80::1%vtnet1' },
      },
      vtnet2: {
        name: 'opt1',
        up: false,
        ipv4: [],
        ipv6: [],
        lease4: { address: '203.0.113.2', bits: 24, gateway: '203.0.113.1' },
        lease6: { address: '2001:db8:2::2', bits: 64, gateway: 'fe80::1%vtnet2' },
      },
    },
    routes: { inet: null, inet6: null },
    services: { rtsold: true, dhcp6c: true, radvd: true },
    sysctl: {
      'net.inet.carp.allow': '1',
      'net.inet.carp.preempt': '1',
      'net.inet.carp.demotion': '0',
      'net.pfsync.carp_demotion_factor': '0',
    },
    faults: {},
  };
}

/** One emulated box. */
export class FakeBsd {
  readonly dir: string;
  readonly bin: string;
  readonly stateFile: string;

  constructor(state: FakeState = twoWanState()) {
    this.dir = mkdtempSync(join(tmpdir(), 'wanwatch-fakebsd-'));
    this.bin = join(this.dir, 'bin');
    this.stateFile = join(this.dir, 'state.json');
    execFileSync('mkdir', ['-p', this.bin]);
    for (const name of COMMANDS) {
      const file = join(this.bin, name);
      writeFileSync(
        file,
        `#!/bin/sh\nFAKEBSD_STATE='${this.stateFile}' exec '${process.execPath}' '${SCRIPT}' '${name}' "$@"\n`,
      );
      chmodSync(file, 0o755);
    }
    this.write(state);
  }

  state(): FakeState {
    return JSON.parse(readFileSync(this.stateFile, 'utf8')) as FakeState;
  }

  write(state: FakeState): void {
    writeFileSync(this.stateFile, JSON.stringify(state, null, 2));
  }

  /** Changes the state (between commands). */
  update(change: (s: FakeState) => void): void {
    const s = this.state();
    change(s);
    this.write(s);
  }

  /** Makes the command line starting with `line` (e.g. `configctl interface reconfigure opt1`) fail or hang. */
  fault(line: string, fault: FakeFault): void {
    this.update((s) => (s.faults[line] = fault));
  }

  calls(): FakeCall[] {
    try {
      return readFileSync(`${this.stateFile}.calls`, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as FakeCall);
    } catch {
      return [];
    }
  }

  /** Every call as one line (`configctl interface linkup start vtnet2`), in order. */
  lines(filter?: RegExp): string[] {
    const all = this.calls().map((c) => c.argv.join(' '));
    return filter ? all.filter((l) => filter.test(l)) : all;
  }

  /** Calls that change something (not the reads), in order. */
  changes(): string[] {
    return this.lines().filter((l) => !/^(ifconfig|netstat|sysctl -n|ifctl|configctl interface list ifconfig)/.test(l));
  }

  clearCalls(): void {
    writeFileSync(`${this.stateFile}.calls`, '');
  }

  /** Runs an emulated command as someone else on the box would (an OPNsense script rewriting a route, say). */
  run(name: (typeof COMMANDS)[number], ...args: string[]): { code: number; stdout: string; stderr: string } {
    try {
      const stdout = execFileSync(join(this.bin, name), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { code: 0, stdout, stderr: '' };
    } catch (e) {
      const x = e as { status?: number; stdout?: string; stderr?: string };
      return { code: x.status ?? 1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
