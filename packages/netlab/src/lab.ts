/**
 * A lab: one run's namespaces, built on create() and removed on destroy(),
 * also when building failed half-way. Use one per mocha `describe`, with
 * destroy() in an `after` hook; `sweepNamespaces()` removes what crashed
 * runs left.
 */
import { SERVICES, targets4, targets6, uplinkPlan } from './addresses.js';
import { Agent } from './agent.js';
import { NetlabError } from './errors.js';
import { ipIn } from './exec.js';
import { waitLinksUp } from './links.js';
import { Faults } from './faults.js';
import { namespaceName, newRunId } from './names.js';
import { createNamespace, removeNamespace, sweepNamespaces } from './namespaces.js';
import { preflight } from './preflight.js';
import { restoreLabProbeRoutes } from './router/lab-probe-routing.js';
import {
  baseSysctls,
  buildInternet,
  buildIsp,
  buildLan,
  buildProbeRouting,
  buildUplinkLink,
  setDefaultUplink,
  uplinkDevice,
  type LabNamespaces,
} from './topology.js';
import { MeterSet, type MeterOptions, type TrafficMeter } from './meter.js';
import { agentScript } from './scripts.js';

/** What to build. */
export interface LabOptions {
  /** Number of uplinks (1…8). Default 2. */
  readonly uplinks?: number;
  /** Configure IPv6 too. Default true. */
  readonly ipv6?: boolean;
  /**
   * Install the lab's fixture probe routing on the router (a table and rules
   * per uplink, as `@wanwatch/linux` makes them by default). Default true;
   * tests of the Linux adapter turn it off and let the adapter do it.
   */
  readonly probeRouting?: boolean;
  /**
   * Metric of the main default routes the lab installs (at build, by
   * setDefaultUplink(), after restoreUplinkDevice()). Default: none given
   * (IPv4 0, IPv6 1024). Give e.g. 100, as a DHCP client would, when
   * wanwatch's Linux adapter (metric 10) must win over them.
   */
  readonly defaultRouteMetric?: number;
  /** Start the internet's HTTP, TCP and DNS services. Default true. */
  readonly services?: boolean;
  /** Extra set-up run last (routes, rules…); if it throws, the lab is removed and the error passed on. */
  readonly setup?: (lab: Lab) => Promise<void>;
}

/** One uplink of the lab's router, as a prober sees it. */
export interface LabUplink {
  /** 1-based. */
  readonly index: number;
  /** The router's device, e.g. `wan2`. */
  readonly device: string;
  readonly gateway4: string;
  readonly gateway6: string;
  readonly address4: string;
  readonly address6: string;
  /** The ISP namespace behind it. */
  readonly ispNamespace: string;
}

/** The network lab of one test suite. */
export class Lab {
  readonly faults: Faults;
  private services: Agent | null = null;
  private readonly meters = new MeterSet();
  private destroyed = false;
  private defaultUplink = 1;
  private probeRouting = false;
  private defaultMetric: number | undefined = undefined;

  private constructor(
    readonly runId: string,
    readonly ns: LabNamespaces,
    readonly uplinks: readonly LabUplink[],
    readonly ipv6: boolean,
  ) {
    this.faults = new Faults(ns, ipv6, uplinks.length);
  }

  /** Builds a lab. Throws `E_NOT_ROOT` / `E_MISSING_TOOL` when it cannot run here; leaves nothing behind on failure. */
  static async create(options: LabOptions = {}): Promise<Lab> {
    await preflight();
    await sweepNamespaces();
    const count = options.uplinks ?? 2;
    if (!Number.isInteger(count) || count < 1 || count > 8) throw new RangeError(`uplinks must be 1…8, not ${count}`);
    const metric = options.defaultRouteMetric;
    if (metric !== undefined && !(Number.isInteger(metric) && metric >= 1 && metric <= 0xffff_ffff))
      throw new RangeError(`defaultRouteMetric must be an integer 1…4294967295, not ${metric}`);
    const ipv6 = options.ipv6 ?? true;
    const runId = newRunId();
    const ns: LabNamespaces = {
      router: namespaceName(runId, 'r'),
      isps: Array.from({ length: count }, (_, k) => namespaceName(runId, `isp${k + 1}`)),
      inet: namespaceName(runId, 'inet'),
      lan: namespaceName(runId, 'lan'),
    };
    const uplinks = Array.from({ length: count }, (_, k) => {
      const p = uplinkPlan(k + 1);
      return {
        index: k + 1,
        device: uplinkDevice(k + 1),
        gateway4: p.gateway4,
        gateway6: p.gateway6,
        address4: p.router4,
        address6: p.router6,
        ispNamespace: ns.isps[k]!,
      };
    });
    const lab = new Lab(runId, ns, uplinks, ipv6);
    try {
      await lab.build(options);
    } catch (err) {
      await lab.destroy();
      throw err;
    }
    return lab;
  }

  private async build(options: LabOptions): Promise<void> {
    const all = [this.ns.router, ...this.ns.isps, this.ns.inet, this.ns.lan];
    for (const name of all) {
      await createNamespace(name);
      await baseSysctls(name, name === this.ns.router || this.ns.isps.includes(name));
    }
    for (const u of this.uplinks) {
      await buildUplinkLink(this.ns, u.index, this.ipv6);
      await buildIsp(this.ns, u.index, this.ipv6);
    }
    await buildInternet(this.ns, this.ipv6);
    await buildLan(this.ns, this.ipv6);
    for (const name of all) await waitLinksUp(name);
    this.defaultMetric = options.defaultRouteMetric;
    await setDefaultUplink(this.ns.router, 1, this.ipv6, this.defaultMetric);
    this.probeRouting = options.probeRouting ?? true;
    if (this.probeRouting) await buildProbeRouting(this.ns.router, this.uplinks.length, this.ipv6);
    if (options.services ?? true) {
      this.services = await Agent.start({
        ns: this.ns.inet,
        script: agentScript('services'),
        args: this.ipv6 ? ['--ipv6'] : [],
        name: 'lab services',
      });
    }
    if (options.setup) await options.setup(this);
  }

  /** `count` live IPv4 targets in the internet. */
  targets4(count: number): string[] {
    return targets4(count);
  }

  /** `count` live IPv6 targets in the internet. */
  targets6(count: number): string[] {
    return targets6(count);
  }

  /** Where the internet's services listen (HTTP on 80, TCP on 7, DNS on 53). */
  get serviceAddresses(): typeof SERVICES {
    return SERVICES;
  }

  /** The uplink carrying the router's main default route. */
  get defaultUplinkIndex(): number {
    return this.defaultUplink;
  }

  /** Moves the router's main default route (IPv4 and IPv6) to uplink `i`. */
  async setDefaultUplink(i: number): Promise<void> {
    this.uplink(i);
    await setDefaultUplink(this.ns.router, i, this.ipv6, this.defaultMetric);
    this.defaultUplink = i;
  }

  /** Uplink `i` (1-based). */
  uplink(i: number): LabUplink {
    const u = this.uplinks[i - 1];
    if (!u) throw new RangeError(`no uplink ${i}`);
    return u;
  }

  /** Deletes uplink `i`'s device from the router (as a PPPoE or USB modem device vanishes). */
  async removeUplinkDevice(i: number): Promise<void> {
    const u = this.uplink(i);
    await ipIn(this.ns.router, ['link', 'del', u.device]);
  }

  /**
   * Creates uplink `i`'s device again, with the same name and addresses, its
   * main default route if it had it, and the fixture probe routes if the lab
   * installed them (otherwise re-creating those is the adapter's job).
   */
  async restoreUplinkDevice(i: number): Promise<void> {
    this.uplink(i);
    await buildUplinkLink(this.ns, i, this.ipv6);
    await waitLinksUp(this.ns.router, [this.uplink(i).device]);
    if (this.probeRouting) await restoreLabProbeRoutes(this.ns.router, i, this.ipv6);
    if (this.defaultUplink === i) await setDefaultUplink(this.ns.router, i, this.ipv6, this.defaultMetric);
  }

  /** Starts a traffic meter: a numbered UDP stream from the LAN host through the router to the internet. */
  async startMeter(options: MeterOptions = {}): Promise<TrafficMeter> {
    if (this.destroyed) throw new NetlabError('E_CLOSED', 'the lab is destroyed');
    return this.meters.start(this.ns, options);
  }

  /** Removes everything the lab made. Never throws; idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.meters.abortAll();
    await this.services?.stop();
    await this.faults.clearAll().catch(() => undefined);
    for (const name of [this.ns.lan, this.ns.inet, ...this.ns.isps, this.ns.router]) await removeNamespace(name);
    await sweepNamespaces(this.runId);
  }
}
