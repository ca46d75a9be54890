/**
 * The HA lab: two routers sharing a LAN, each with its own uplink and ISP,
 * one internet, and a LAN host whose default gateway is the VRRP virtual
 * address. Namespaces carry the per-run prefix and go on destroy(), with
 * every keepalived and agent still inside them.
 *
 *                ┌─ r1 ──wan1── isp1 ─┐
 *   lan (br0) ───┤                     ├── inet (targets, services, meter)
 *                └─ r2 ──wan2── isp2 ─┘
 *
 * LAN: virtual address 192.0.2.1 / 2001:db8:c::1 (held by the master),
 * r1 192.0.2.11 / ::11, r2 192.0.2.12 / ::12, host 192.0.2.2 / ::2.
 * Each router has a default route via its ISP at metric 100 (what a DHCP
 * client would install) and NAT on its uplink.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertLabAddress, uplinkPlan } from './addresses.js';
import { Agent } from './agent.js';
import { NetlabError } from './errors.js';
import { execIn, ipIn, nftIn } from './exec.js';
import { Faults } from './faults.js';
import { Keepalived, type KeepalivedSpec } from './keepalived.js';
import { waitLinksUp } from './links.js';
import type { LabUplink } from './lab.js';
import { MeterSet, type MeterOptions, type TrafficMeter } from './meter.js';
import { namespaceName, newRunId } from './names.js';
import { createNamespace, removeNamespace, sweepNamespaces } from './namespaces.js';
import { preflight } from './preflight.js';
import { agentScript } from './scripts.js';
import {
  baseSysctls,
  buildInternet,
  buildIsp,
  buildUplinkLink,
  installRouterNat,
  setDefaultUplink,
  uplinkDevice,
  type LabNamespaces,
} from './topology.js';

/** Addresses of the HA lab's LAN. */
export const HA_LAN = {
  vip4: '192.0.2.1',
  vip6: '2001:db8:c::1',
  host4: '192.0.2.2',
  host6: '2001:db8:c::2',
  router4: (k: 1 | 2) => `192.0.2.1${k}`,
  router6: (k: 1 | 2) => `2001:db8:c::1${k}`,
  device: 'lan0',
} as const;

/** One router of the HA lab. */
export interface HaRouter {
  readonly index: 1 | 2;
  /** Its namespace. */
  readonly ns: string;
  /** Its uplink (device `wan<index>`, to ISP `index`). */
  readonly uplink: LabUplink;
  /** Faults of its uplink: `router(k).faults.carrierLoss(k)`. */
  readonly faults: Faults;
  readonly lanDevice: string;
  readonly address4: string;
  readonly address6: string;
}

/** What to build. */
export interface HaLabOptions {
  /** Start the internet's services (HTTP, TCP, DNS). Default false. */
  readonly services?: boolean;
  /** Metric of each router's default route via its ISP. Default 100. */
  readonly defaultRouteMetric?: number;
}

/** Two routers, one LAN, VRRP between them. */
export class HaLab {
  private readonly keepaliveds = new Set<Keepalived>();
  private readonly meters = new MeterSet();
  private services: Agent | null = null;
  private destroyed = false;
  readonly routers: readonly [HaRouter, HaRouter];

  private constructor(
    readonly runId: string,
    readonly ns: {
      readonly routers: readonly [string, string];
      readonly isps: readonly string[];
      readonly inet: string;
      readonly lan: string;
    },
    readonly dir: string,
  ) {
    const router = (k: 1 | 2): HaRouter => {
      const p = uplinkPlan(k);
      return {
        index: k,
        ns: ns.routers[k - 1]!,
        uplink: {
          index: k,
          device: uplinkDevice(k),
          gateway4: p.gateway4,
          gateway6: p.gateway6,
          address4: p.router4,
          address6: p.router6,
          ispNamespace: ns.isps[k - 1]!,
        },
        faults: new Faults(this.labNamespaces(k), true, 2),
        lanDevice: HA_LAN.device,
        address4: HA_LAN.router4(k),
        address6: HA_LAN.router6(k),
      };
    };
    this.routers = [router(1), router(2)];
  }

  /** Builds the lab; leaves nothing behind on failure. */
  static async create(options: HaLabOptions = {}): Promise<HaLab> {
    await preflight();
    await sweepNamespaces();
    const runId = newRunId();
    const ns = {
      routers: [namespaceName(runId, 'r1'), namespaceName(runId, 'r2')] as const,
      isps: [namespaceName(runId, 'isp1'), namespaceName(runId, 'isp2')],
      inet: namespaceName(runId, 'inet'),
      lan: namespaceName(runId, 'lan'),
    };
    const lab = new HaLab(runId, ns, await mkdtemp(join(tmpdir(), 'wanwatch-ha-lab-')));
    try {
      await lab.build(options);
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  /** The netlab namespaces as router `k` sees them (for Faults, meters, the agent helpers). */
  labNamespaces(k: 1 | 2): LabNamespaces {
    return { router: this.ns.routers[k - 1]!, isps: this.ns.isps, inet: this.ns.inet, lan: this.ns.lan };
  }

  router(k: 1 | 2): HaRouter {
    return this.routers[k - 1]!;
  }

  private async build(options: HaLabOptions): Promise<void> {
    const { routers, isps, inet, lan } = this.ns;
    for (const name of [...routers, ...isps, inet, lan]) {
      await createNamespace(name);
      await baseSysctls(name, name !== lan && name !== inet);
    }
    for (const k of [1, 2] as const) {
      await buildUplinkLink(this.labNamespaces(k), k, true);
      await buildIsp(this.labNamespaces(k), k, true);
    }
    await buildInternet(this.labNamespaces(1), true);
    await this.buildLan();
    for (const name of [...routers, ...isps, inet, lan]) await waitLinksUp(name);
    for (const k of [1, 2] as const)
      await setDefaultUplink(routers[k - 1]!, k, true, options.defaultRouteMetric ?? 100);
    if (options.services) {
      this.services = await Agent.start({
        ns: inet,
        script: agentScript('services'),
        args: ['--ipv6'],
        name: 'lab services',
      });
    }
  }

  private async buildLan(): Promise<void> {
    const { lan } = this.ns;
    await ipIn(lan, ['link', 'add', 'br0', 'type', 'bridge']);
    for (const k of [1, 2] as const) {
      const r = this.ns.routers[k - 1]!;
      const port = `r${k}`;
      await ipIn(r, ['link', 'add', HA_LAN.device, 'type', 'veth', 'peer', 'name', port, 'netns', lan]);
      await ipIn(lan, ['link', 'set', port, 'master', 'br0']);
      await ipIn(lan, ['link', 'set', port, 'up']);
      await this.address(r, HA_LAN.device, `${HA_LAN.router4(k)}/24`);
      await this.address(r, HA_LAN.device, `${HA_LAN.router6(k)}/64`);
      await ipIn(r, ['link', 'set', HA_LAN.device, 'up']);
      await installRouterNat(r);
    }
    await ipIn(lan, ['link', 'set', 'br0', 'up']);
    await this.address(lan, 'br0', `${HA_LAN.host4}/24`);
    await this.address(lan, 'br0', `${HA_LAN.host6}/64`);
    await ipIn(lan, ['-4', 'route', 'add', 'default', 'via', HA_LAN.vip4]);
    await ipIn(lan, ['-6', 'route', 'add', 'default', 'via', HA_LAN.vip6]);
  }

  private async address(ns: string, dev: string, cidr: string): Promise<void> {
    assertLabAddress(cidr);
    const v6 = cidr.includes(':');
    await ipIn(ns, [v6 ? '-6' : '-4', 'addr', 'add', cidr, 'dev', dev, ...(v6 ? ['nodad'] : [])]);
  }

  /** Starts keepalived in router `k` (directory of its own under the lab's); `spec` defaults to the lab's VIPs. */
  async keepalived(k: 1 | 2, spec: Partial<KeepalivedSpec> & { priority: number }): Promise<Keepalived> {
    if (this.destroyed) throw new NetlabError('E_CLOSED', 'the lab is destroyed');
    const dir = join(this.dir, `r${k}`);
    await mkdir(dir, { recursive: true });
    const full: KeepalivedSpec = {
      instance: 'LAN',
      interface: HA_LAN.device,
      advertInt: 0.3,
      vip4: `${HA_LAN.vip4}/24`,
      vip6: `${HA_LAN.vip6}/64`,
      ...spec,
    };
    const k8d = await Keepalived.start(this.router(k).ns, dir, full);
    this.keepaliveds.add(k8d);
    return k8d;
  }

  /** The router holding the IPv4 virtual address now (both, in a partition), by index. */
  async holders(): Promise<(1 | 2)[]> {
    const out: (1 | 2)[] = [];
    for (const k of [1, 2] as const) {
      const { stdout } = await ipIn(this.router(k).ns, ['-4', '-o', 'addr', 'show', 'dev', HA_LAN.device]);
      if (stdout.includes(` ${HA_LAN.vip4}/`)) out.push(k);
    }
    return out;
  }

  /** Sets router `k`'s LAN link up or down (the router's end: it sees the carrier go). */
  async setLanLink(k: 1 | 2, state: 'up' | 'down'): Promise<void> {
    await ipIn(this.router(k).ns, ['link', 'set', HA_LAN.device, state]);
    if (state === 'up') await waitLinksUp(this.router(k).ns, [HA_LAN.device]);
  }

  /**
   * A VRRP partition: the LAN switch drops VRRP (IP protocol 112) between
   * the routers; everything else still passes. Returns a function that heals it.
   */
  async partition(): Promise<() => Promise<void>> {
    await nftIn(
      this.ns.lan,
      [
        'table bridge ww_partition {',
        '  chain forward {',
        '    type filter hook forward priority 0; policy accept;',
        '    ip protocol 112 drop',
        '  }',
        '}',
      ].join('\n'),
    );
    return async () => {
      await execIn(this.ns.lan, 'nft', ['delete', 'table', 'bridge', 'ww_partition'], { allowFailure: true });
    };
  }

  /** A traffic meter from the LAN host (through the virtual address) to the internet. */
  async startMeter(options: MeterOptions = {}): Promise<TrafficMeter> {
    if (this.destroyed) throw new NetlabError('E_CLOSED', 'the lab is destroyed');
    return this.meters.start(this.labNamespaces(1), options);
  }

  /** Removes everything: meters, keepalived processes, namespaces, the directory. Never throws. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.meters.abortAll();
    for (const k of this.keepaliveds) await k.kill().catch(() => undefined);
    await this.services?.stop();
    for (const r of this.routers) await r.faults.clearAll().catch(() => undefined);
    for (const name of [this.ns.lan, this.ns.inet, ...this.ns.isps, ...this.ns.routers]) await removeNamespace(name);
    await sweepNamespaces(this.runId);
    await rm(this.dir, { recursive: true, force: true });
  }
}
