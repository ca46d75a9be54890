/**
 * Fault injection. Every fault is reversible: it returns a {@link Fault}
 * whose clear() undoes exactly that fault, and the lab clears whatever is
 * still active when it is destroyed. nftables faults live in a table of
 * their own, so clearing one is deleting its table.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { assertLabAddress } from './addresses.js';
import { Agent } from './agent.js';
import { NetlabError } from './errors.js';
import { execIn, ipIn, nftIn } from './exec.js';
import { waitLinksUp } from './links.js';
import { agentScript } from './scripts.js';
import { ISP_CUSTOMER_DEV, uplinkDevice, type LabNamespaces } from './topology.js';

/** An active fault. */
export interface Fault {
  /** What it is, for test output. */
  readonly description: string;
  /** Undoes the fault. Idempotent. */
  clear(): Promise<void>;
}

/** Latency added by the internet's echo responder. */
export interface LatencySpec {
  /** Mean added delay of an echo reply. */
  readonly delayMs: number;
  /** Each reply's delay is drawn uniformly from delay ± jitter (never below 0). */
  readonly jitterMs?: number;
  /** Only echo requests to this target (default: every target). */
  readonly target?: string;
  /** Only echo requests that came through this uplink (1-based; default: every uplink). */
  readonly uplink?: number;
}

/** The lab's fault injector. */
export class Faults {
  private seq = 0;
  private readonly active = new Set<Fault>();
  private responder: Agent | null = null;
  private readonly latencyRules = new Map<number, LatencySpec>();

  constructor(
    private readonly ns: LabNamespaces,
    private readonly ipv6: boolean,
    private readonly uplinkCount: number,
  ) {}

  private isp(uplink: number): string {
    const isp = this.ns.isps[uplink - 1];
    if (!isp || uplink > this.uplinkCount) throw new RangeError(`no uplink ${uplink}`);
    return isp;
  }

  private track(description: string, undo: () => Promise<void>): Fault {
    let cleared = false;
    const fault: Fault = {
      description,
      clear: async () => {
        if (cleared) return;
        cleared = true;
        this.active.delete(fault);
        await undo();
      },
    };
    this.active.add(fault);
    return fault;
  }

  private async nftFault(ns: string, description: string, family: string, body: string[]): Promise<Fault> {
    const table = `ww_fault_${++this.seq}`;
    await nftIn(ns, [`table ${family} ${table} {`, ...body, '}'].join('\n'));
    return this.track(description, async () => {
      await execIn(ns, 'nft', ['delete', 'table', family, table], { allowFailure: true });
    });
  }

  /** Carrier loss on uplink `i`: the ISP's end of the cable goes down, the router sees NO-CARRIER. */
  async carrierLoss(uplink: number): Promise<Fault> {
    const isp = this.isp(uplink);
    await ipIn(isp, ['link', 'set', ISP_CUSTOMER_DEV, 'down']);
    return this.track(`carrier loss on uplink ${uplink}`, async () => {
      await ipIn(isp, ['link', 'set', ISP_CUSTOMER_DEV, 'up'], { allowFailure: true });
      await waitLinksUp(isp, [ISP_CUSTOMER_DEV]);
      await waitLinksUp(this.ns.router, [uplinkDevice(uplink)]);
      await this.forgetNeighbours(uplink);
    });
  }

  /** The gateway of uplink `i` is dead: link up, but nothing (not even ARP or ND) is answered. */
  async gatewayDead(uplink: number): Promise<Fault> {
    const fault = await this.nftFault(this.isp(uplink), `gateway of uplink ${uplink} dead`, 'netdev', [
      `  chain ingress { type filter hook ingress device "${ISP_CUSTOMER_DEV}" priority 0; policy drop; }`,
    ]);
    return {
      description: fault.description,
      clear: async () => {
        await fault.clear();
        await this.forgetNeighbours(uplink);
      },
    };
  }

  /**
   * After a fault that left the router's neighbour entry of the gateway
   * unresolved, forget it, so that the next packet resolves at once instead
   * of waiting up to a second for the kernel's retransmit timer: clearing a
   * fault restores the state from before it.
   */
  private async forgetNeighbours(uplink: number): Promise<void> {
    await ipIn(this.ns.router, ['neigh', 'flush', 'dev', uplinkDevice(uplink)], { allowFailure: true });
    await ipIn(this.ns.router, ['-6', 'neigh', 'flush', 'dev', uplinkDevice(uplink)], { allowFailure: true });
  }

  /** Upstream blackhole behind uplink `i`: the gateway answers, nothing beyond it does. */
  upstreamBlackhole(uplink: number): Promise<Fault> {
    return this.nftFault(this.isp(uplink), `upstream blackhole behind uplink ${uplink}`, 'inet', [
      '  chain forward { type filter hook forward priority 0; policy drop; }',
    ]);
  }

  /**
   * Random loss of `percent` % of the packets the router sends into uplink
   * `i` (one direction only, so a probe is lost with exactly that chance).
   */
  randomLoss(uplink: number, percent: number): Promise<Fault> {
    if (!(percent >= 0 && percent <= 100)) throw new RangeError(`loss ${percent} % out of 0…100`);
    const permille = Math.round(percent * 10);
    return this.nftFault(this.isp(uplink), `${percent} % loss on uplink ${uplink}`, 'inet', [
      '  chain prerouting { type filter hook prerouting priority -150; policy accept;',
      `    iifname "${ISP_CUSTOMER_DEV}" numgen random mod 1000 < ${permille} drop`,
      '  }',
    ]);
  }

  /** `target` in the internet stops answering anything; other targets still answer. */
  targetSilent(target: string): Promise<Fault> {
    const match = this.daddr(target);
    return this.nftFault(this.ns.inet, `target ${target} silent`, 'inet', [
      `  chain input { type filter hook input priority 0; policy accept; ${match} drop; }`,
    ]);
  }

  /** `target` answers at most `perSecond` echo requests a second (burst `burst`), like a rate-limiting router. */
  icmpRateLimit(target: string, perSecond: number, burst = 1): Promise<Fault> {
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError('perSecond must be a positive integer');
    const echo = isIPv4(target) ? 'icmp type echo-request' : 'icmpv6 type echo-request';
    return this.nftFault(this.ns.inet, `target ${target} limited to ${perSecond} echo/s`, 'inet', [
      '  chain input { type filter hook input priority 0; policy accept;',
      `    ${this.daddr(target)} ${echo} limit rate over ${perSecond}/second burst ${burst} packets drop`,
      '  }',
    ]);
  }

  private daddr(target: string): string {
    assertLabAddress(target);
    if (isIPv4(target)) return `ip daddr ${target}`;
    if (isIPv6(target)) return `ip6 daddr ${target}`;
    throw new NetlabError('E_UNSAFE', `not an address: ${target}`);
  }

  /**
   * Adds latency (and jitter) to echo replies. There is no netem here, so
   * the internet's kernel stops answering echo requests and a userspace
   * responder answers them late instead, for every IPv4 target (rules
   * decide the delay; requests no rule matches are answered at once). IPv6
   * echo requests keep being answered by the kernel, without delay.
   */
  async latency(spec: LatencySpec): Promise<Fault> {
    if (!(spec.delayMs >= 0) || !((spec.jitterMs ?? 0) >= 0)) throw new RangeError('delay and jitter must be ≥ 0');
    if (spec.target !== undefined) assertLabAddress(spec.target);
    if (spec.target !== undefined && !isIPv4(spec.target)) {
      throw new NetlabError('E_UNSUPPORTED', 'latency injection is IPv4 only (see agents/echo-responder.ts)');
    }
    if (spec.uplink !== undefined) this.isp(spec.uplink);
    const id = ++this.seq;
    this.latencyRules.set(id, spec);
    try {
      await this.syncResponder();
    } catch (err) {
      this.latencyRules.delete(id);
      throw err;
    }
    const what =
      `${spec.delayMs} ± ${spec.jitterMs ?? 0} ms latency` +
      (spec.target ? ` to ${spec.target}` : '') +
      (spec.uplink ? ` via uplink ${spec.uplink}` : '');
    return this.track(what, async () => {
      this.latencyRules.delete(id);
      await this.syncResponder();
    });
  }

  private async syncResponder(): Promise<void> {
    const rules = [...this.latencyRules.values()];
    if (rules.length > 0 && !this.responder) {
      this.responder = await Agent.start({
        ns: this.ns.inet,
        script: agentScript('echo-responder'),
        name: 'echo responder',
      });
    }
    if (!this.responder) return;
    await this.responder.call('configure', { rules, ipv6: this.ipv6 });
    if (rules.length === 0) {
      await this.responder.stop();
      this.responder = null;
    }
  }

  /** Clears every active fault. */
  async clearAll(): Promise<void> {
    for (const f of [...this.active]) await f.clear().catch(() => undefined);
    if (this.responder) await this.responder.stop();
    this.responder = null;
  }
}
