/**
 * A simulated network of uplinks for tests and demos. Its probe answers
 * after the configured RTT (or times out) on the engine's clock, so the
 * engine runs under sinon's fake timers exactly as it does for real; its
 * adapter moves a simulated default route and can be told to fail.
 */
import type { Adapter, ActivateContext, AdapterCapabilities, LinkEvent } from '../interfaces/adapter.js';
import type { Clock } from '../interfaces/clock.js';
import type { Probe, ProbeRequest, ProbeResult } from '../interfaces/probe.js';
import { WanwatchError } from '../errors.js';
import type { Uplink } from '../uplink.js';

/** How an uplink behaves. */
export interface LinkConditions {
  /** Mean RTT in ms. */
  readonly rttMs: number;
  /** Standard deviation of the RTT in ms (uniformly spread). */
  readonly jitterMs: number;
  /** Independent loss per probe, percent. */
  readonly lossPct: number;
  /** Upstream blackhole: the link is up, nothing answers. */
  readonly dead: boolean;
  /** Targets that never answer while others do. */
  readonly silentTargets: readonly string[];
  /**
   * False: probes out of the uplink's own device answer, but traffic routed
   * through it as the default route does not (a missing NAT rule, say).
   */
  readonly forwards: boolean;
}

/** Healthy defaults: 20 ms ± 2 ms, no loss. */
export const HEALTHY: LinkConditions = Object.freeze({
  rttMs: 20,
  jitterMs: 2,
  lossPct: 0,
  dead: false,
  silentTargets: [],
  forwards: true,
});

/** One recorded `activate` call. */
export interface ActivationRecord {
  readonly at: number;
  readonly uplink: string;
  readonly previous: string | null;
  readonly reason: string;
  readonly ok: boolean;
}

/** A failure the simulated adapter will produce on its next activations. */
export interface ActivationFault {
  /** Only for this uplink (default: any). */
  readonly uplink?: string | undefined;
  /** `reject`: throws; `hang`: never resolves (the engine's time limit must act); `noop`: resolves without moving the route. */
  readonly kind: 'reject' | 'hang' | 'noop';
  /** How many activations fail (default 1). */
  readonly times?: number | undefined;
}

/** Options of a {@link SimNetwork}. */
export interface SimNetworkOptions {
  readonly clock: Clock;
  /** Uniform [0, 1) source; use {@link seededRandom} for repeatable runs. */
  readonly random: () => number;
  /** False makes the adapter a dark-standby platform: only the active uplink can be probed. Default true. */
  readonly standbyProbing?: boolean | undefined;
  /** Time `activate` takes, ms. Default 5. */
  readonly activateMs?: number | undefined;
  /**
   * Dark standby as IPFire and OPNsense singleton mode do it: `activate`
   * takes the old uplink down first, so nothing flows (and its probes see
   * ENETDOWN) until the new one is up. Default false.
   */
  readonly releaseFirst?: boolean | undefined;
  /** Uplink that holds the default route at start. Default none. */
  readonly initialRoute?: string | null | undefined;
}

/**
 * A simulated network: per-uplink conditions and carrier, a probe and an adapter.
 *
 * @example
 * ```ts
 * const net = new SimNetwork({ clock: systemClock, random: seededRandom(1) });
 * const engine = new Engine({ uplinks, probe: net.probe, adapter: net.adapter });
 * net.set('fiber', { dead: true }); // upstream blackhole
 * ```
 */
export class SimNetwork {
  /** The uplink the simulated default route points to. */
  route: string | null;
  /** Every `activate` call. */
  readonly activations: ActivationRecord[] = [];
  /** Probes sent, by uplink id and path. */
  readonly sent = new Map<string, number>();
  /** Times `activate` was entered while another was running (must stay 0). */
  overlaps = 0;
  /** HA role calls the adapter received, in order. */
  readonly roleCalls: ('backup' | 'master')[] = [];
  /** The uplinks the engine adopted at start-up, in order. */
  readonly adoptions: string[] = [];
  readonly probe: Probe;
  readonly adapter: Adapter;
  private readonly conditions = new Map<string, LinkConditions>();
  private readonly carrier = new Map<string, 'up' | 'down'>();
  private readonly linkListeners = new Set<(e: LinkEvent) => void>();
  private readonly faults: ActivationFault[] = [];
  private activating = 0;

  constructor(private readonly options: SimNetworkOptions) {
    this.route = options.initialRoute ?? null;
    this.probe = { send: (r) => this.send(r) };
    const capabilities: AdapterCapabilities = { standbyProbing: options.standbyProbing ?? true };
    this.adapter = {
      capabilities,
      discover: async () => this.route,
      prepareProbing: async () => undefined,
      activate: (u, ctx) => this.activate(u, ctx),
      adopt: async (u) => {
        this.adoptions.push(u.id);
      },
      linkEvents: (listener) => {
        this.linkListeners.add(listener);
        return () => this.linkListeners.delete(listener);
      },
      enterBackup: async () => {
        this.roleCalls.push('backup');
        this.route = null;
      },
      enterMaster: async () => {
        this.roleCalls.push('master');
      },
      close: async () => undefined,
    };
  }

  /** The conditions of `uplink` now. */
  conditionsOf(uplink: string): LinkConditions {
    return this.conditions.get(uplink) ?? HEALTHY;
  }

  /** Changes the conditions of `uplink`; unspecified fields keep their values. */
  set(uplink: string, change: Partial<LinkConditions>): void {
    this.conditions.set(uplink, { ...this.conditionsOf(uplink), ...change });
  }

  /** Restores healthy conditions. */
  heal(uplink: string): void {
    this.conditions.set(uplink, HEALTHY);
  }

  /** Changes the carrier and reports it like a platform's link monitor. */
  setCarrier(uplink: string, state: 'up' | 'down'): void {
    this.carrier.set(uplink, state);
    for (const l of this.linkListeners) l({ uplink, carrier: state });
  }

  /** Makes the next activations fail. */
  failActivation(fault: ActivationFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  private takeFault(uplink: string): ActivationFault | undefined {
    const i = this.faults.findIndex((f) => f.uplink === undefined || f.uplink === uplink);
    const fault = this.faults[i];
    if (!fault) return undefined;
    const left = (fault.times ?? 1) - 1;
    if (left <= 0) this.faults.splice(i, 1);
    else this.faults[i] = { ...fault, times: left };
    return fault;
  }

  private async activate(uplink: Uplink, ctx: ActivateContext): Promise<void> {
    const { clock } = this.options;
    if (this.activating > 0) this.overlaps++;
    this.activating++;
    const record = (ok: boolean) =>
      this.activations.push({
        at: clock.now(),
        uplink: uplink.id,
        previous: ctx.previous?.id ?? null,
        reason: ctx.reason,
        ok,
      });
    try {
      if (this.options.releaseFirst) this.route = null;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, this.options.activateMs ?? 5));
      const fault = this.takeFault(uplink.id);
      if (fault?.kind === 'hang') {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        record(false);
        throw new WanwatchError('E_ACTIVATE_FAILED', `simulated hang activating ${uplink.id}`, { uplink: uplink.id });
      }
      if (fault?.kind === 'reject') {
        record(false);
        throw new WanwatchError('E_ACTIVATE_FAILED', `simulated failure activating ${uplink.id}`, {
          uplink: uplink.id,
        });
      }
      if (fault?.kind !== 'noop') this.route = uplink.id;
      record(true);
    } finally {
      this.activating--;
    }
  }

  private send(request: ProbeRequest): Promise<ProbeResult> {
    const { clock, random } = this.options;
    const key = `${request.uplink.id}:${request.path}`;
    this.sent.set(key, (this.sent.get(key) ?? 0) + 1);
    const via = request.path === 'default' ? this.route : request.uplink.id;
    const answer = (r: ProbeResult, after: number) =>
      new Promise<ProbeResult>((resolve) => clock.setTimeout(() => resolve(r), Math.max(0, Math.round(after))));
    const dark = !(this.options.standbyProbing ?? true) && request.path === 'uplink' && via !== this.route;
    if (via === null || dark || this.carrier.get(via) === 'down')
      return answer({ ok: false, reason: 'link-down', detail: 'ENETDOWN' }, 0);
    const c = this.conditionsOf(via);
    const timeout = () => answer({ ok: false, reason: 'timeout', detail: 'timeout' }, request.timeoutMs);
    if (request.path === 'default' && !c.forwards) return timeout();
    if (c.dead || c.silentTargets.includes(request.target) || random() * 100 < c.lossPct) return timeout();
    const rtt = Math.max(0.1, c.rttMs + c.jitterMs * Math.sqrt(3) * (2 * random() - 1));
    if (rtt > request.timeoutMs) return timeout();
    return answer({ ok: true, rttMs: rtt }, rtt);
  }
}

/** A small, fast, seeded uniform [0, 1) generator (mulberry32) for repeatable simulations. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
