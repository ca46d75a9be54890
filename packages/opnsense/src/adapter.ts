/**
 * wanwatch's OPNsense adapter: configctl for the WANs, FreeBSD's route and
 * netstat for default routes, and the CARP "HA singleton" (a backup keeps
 * every WAN down and routes via the peer's LAN address).
 *
 * Every change runs one at a time (a single queue), so that a drift repair
 * never interleaves with a switch or a role change.
 */
import {
  SerialQueue,
  WanwatchError,
  type ActivateContext,
  type Adapter,
  type AdapterCapabilities,
  type RoleContext,
  type Uplink,
} from '@wanwatch/core';
import { ExecaRunner } from '@wanwatch/exec';
import { buildInterfaceMap, readConfigXml, type WanEntry } from './interface-map.js';
import { resolveOpnsenseOptions, type OpnsenseAdapterOptions, type ResolvedOpnsenseOptions } from './options.js';
import { activateGateway, reassertGateway, type GatewayRoutes } from './switch/gateway.js';
import { ipv6HookEnvironment } from './switch/ipv6-hook.js';
import { activateSingleton, releaseWans, type ActivationReport } from './switch/singleton.js';
import { BsdSystem, message } from './system.js';

/**
 * The OPNsense adapter. Implements core's `Adapter`, with `enterBackup` /
 * `enterMaster` for a CARP pair (see {@link CarpRoleSource}).
 *
 * @example
 * ```ts
 * import { Engine } from '@wanwatch/core';
 * import { createProbe } from '@wanwatch/probes';
 * import { OpnsenseAdapter, CarpRoleSource } from '@wanwatch/opnsense';
 *
 * const adapter = new OpnsenseAdapter(uplinks, { mode: 'singleton', peer4: '192.0.2.3' });
 * const roleSource = new CarpRoleSource({ vhid: '1@vtnet0' });
 * const engine = new Engine({ uplinks, adapter, roleSource, probe: createProbe() });
 * ```
 */
export class OpnsenseAdapter implements Adapter {
  /** Singleton: standby WANs are dark (failback by timed trial). Gateway mode: every WAN can be probed. */
  readonly capabilities: AdapterCapabilities;
  readonly config: ResolvedOpnsenseOptions;
  private readonly sys: BsdSystem;
  private map: Promise<WanEntry[]> | null = null;
  private readonly queue = new SerialQueue();
  private role: 'master' | 'backup' = 'master';
  private active: string | null = null;
  private routes: GatewayRoutes | null = null;
  private drift: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private report: ActivationReport | null = null;
  private pendingRelease: { timer: ReturnType<typeof setTimeout>; wans: readonly WanEntry[] } | null = null;
  private readonly learned = new Map<string, { 4: string | null; 6: string | null }>();

  /** Throws a core `ConfigError` when an uplink or an option cannot be used. */
  constructor(
    readonly uplinks: readonly Uplink[],
    private readonly options: OpnsenseAdapterOptions = {},
  ) {
    this.config = resolveOpnsenseOptions(uplinks, options);
    this.capabilities = { standbyProbing: this.config.mode === 'gateway' };
    const runner = new ExecaRunner({
      timeoutMs: this.config.commandTimeoutMs,
      path: this.config.commandPath,
      debug: (m) => options.logger?.debug?.(m),
    });
    this.sys = new BsdSystem(runner, this.config.commands, options.logger);
  }

  /** The uplink ↔ device ↔ OPNsense name map (read once: config.xml, `configctl interface list ifconfig`, options). */
  interfaceMap(): Promise<WanEntry[]> {
    this.map ??= (async () => {
      const [xml, devices] = await Promise.all([
        readConfigXml(this.config.configXml),
        this.sys.configctl.listIfconfig().then(
          (d) => new Set(Object.keys(d)),
          (err: unknown) => {
            this.sys.warn(`configctl interface list ifconfig failed (${message(err)}); devices are not checked`);
            return null;
          },
        ),
      ]);
      const wans = buildInterfaceMap({
        uplinks: this.config.uplinks,
        overrides: this.config.interfaces,
        configXml: xml,
        devices,
      });
      this.sys.info(`interfaces: ${wans.map((w) => `${w.uplink}=${w.device}/${w.name}`).join(', ')}`);
      return wans;
    })();
    this.map.catch(() => (this.map = null)); // a failed read is tried again next time
    return this.map;
  }

  /**
   * The gateway of an uplink for a family: the configured address, or the
   * one last seen on its default route; null when none is known. Matches
   * `@wanwatch/probes`' `resolveGateway` (for `gateway` targets).
   */
  gatewayOf(uplinkId: string, family: 4 | 6): string | null {
    const configured = this.config.uplinks.find((u) => u.id === uplinkId)?.gateway[family] ?? null;
    if (configured !== null && configured !== 'auto') return configured;
    return this.learned.get(uplinkId)?.[family]?.split('%')[0] ?? null;
  }

  /** The last activation's steps and timings (singleton mode), for logs and figures. */
  get lastActivation(): ActivationReport | null {
    return this.report;
  }

  /** The uplink whose device holds the IPv4 default route (IPv6 when there is no IPv4 one). */
  async discover(uplinks: readonly Uplink[]): Promise<string | null> {
    this.assertOpen();
    const wans = await this.interfaceMap();
    const wanted = new Set(uplinks.map((u) => u.id));
    const both = await this.sys.routes.defaultRoutes();
    const route = both[4] ?? both[6];
    const wan = route ? wans.find((w) => w.device === route.device && wanted.has(w.uplink)) : undefined;
    if (!wan) return null;
    this.active = wan.uplink;
    await this.learnGateways(wan);
    if (this.config.mode === 'gateway') {
      // Adopted as found: the drift check keeps the routes that leave through this WAN.
      const own = (f: 4 | 6) => (both[f]?.device === wan.device ? both[f].gateway : null);
      this.routes = { 4: own(4), 6: own(6) };
      this.startDrift();
    }
    return wan.uplink;
  }

  /** Checks the uplink is in the map. Probes need nothing more here (singleton: only the active WAN is probed). */
  async prepareProbing(uplink: Uplink): Promise<void> {
    await this.wan(uplink.id);
  }

  /** Makes `uplink` the active WAN (singleton: brings it up and releases the others; gateway: moves the default route). */
  async activate(uplink: Uplink, context: ActivateContext): Promise<void> {
    const wan = await this.wan(uplink.id);
    const release = await this.exclusive(async () => {
      let later: readonly WanEntry[] = [];
      const gw = (w: WanEntry, f: 4 | 6) => {
        const g = this.config.uplinks.find((u) => u.id === w.uplink)?.gateway[f] ?? null;
        return g === 'auto' ? null : g;
      };
      if (this.config.mode === 'singleton') {
        const wans = await this.interfaceMap();
        this.cancelRelease(); // the new activation finds every WAN to release again
        const releaseNow = this.config.releaseDelayMs === 0;
        this.report = await activateSingleton(
          { sys: this.sys, config: this.config, wans, configuredGateway: gw, releaseNow },
          wan,
          context,
        );
        later = this.report.release;
        this.sys.info(
          `${wan.uplink} active (${this.report.steps.map((s) => `${s.step} ${s.atMs} ms`).join(', ')}${this.report.newip ? '; newip was needed' : ''})`,
        );
      } else {
        this.routes = await activateGateway(
          { sys: this.sys, config: this.config, configuredGateway: gw },
          wan,
          context.signal,
        );
        this.startDrift();
      }
      this.active = wan.uplink;
      await this.learnGateways(wan);
      if (this.role === 'master') await this.runIpv6Hook(wan, context.previous);
      return later;
    });
    // Counted from here, when the activation is over and the engine goes on to verify it.
    this.scheduleRelease(release);
  }

  /** CARP backup: every WAN down, default routes via the peer's LAN addresses (stale ones deleted first). */
  async enterBackup(context: RoleContext): Promise<void> {
    this.role = 'backup';
    this.stopDrift();
    this.cancelRelease(); // every WAN goes down below
    const wans = await this.interfaceMap();
    await this.exclusive(async () => {
      const problems: string[] = [];
      if (this.config.mode === 'singleton')
        for (const w of wans)
          await this.sys.configctl
            .linkupStop(w.device, { signal: context.signal, uplink: w.uplink })
            .catch((err: unknown) => {
              problems.push(`linkup stop ${w.device}: ${message(err)}`);
            });
      this.active = null;
      for (const [family, peer] of [
        [4, this.config.peer4],
        [6, this.config.peer6],
      ] as const) {
        if (peer === null) continue;
        await this.sys.routes.replaceDefault(family, peer, context.signal).catch((err: unknown) => {
          problems.push(`IPv${family} default route via the peer ${peer}: ${message(err)}`);
        });
      }
      if (problems.length > 0) throw new WanwatchError('E_ADAPTER', `entering CARP backup: ${problems.join('; ')}`);
      this.sys.info(
        `CARP backup: WANs down, routing via ${[this.config.peer4, this.config.peer6].filter(Boolean).join(' and ') || 'nothing (no peer configured)'}`,
      );
    });
  }

  /** CARP master: tells OPNsense's CARP service check; the engine then activates the preferred WAN. */
  async enterMaster(context: RoleContext): Promise<void> {
    this.role = 'master';
    await this.exclusive(async () => {
      if (this.config.carpServiceStatus)
        await this.sys.configctl.carpServiceStatus({ signal: context.signal }).catch((err: unknown) => {
          this.sys.warn(`configctl interface update carp service_status: ${message(err)}`);
        });
    });
  }

  /** Stops the drift check and releases a WAN whose release was pending. Leaves routing as it is. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopDrift();
    const pending = this.pendingRelease?.wans ?? [];
    this.cancelRelease();
    await this.queue.idle();
    if (pending.length > 0) await this.release(pending);
  }

  // ---- helpers ------------------------------------------------------------

  /** Remembers the gateways of the default routes that leave through `wan`. */
  private async learnGateways(wan: WanEntry): Promise<void> {
    const seen = { ...(this.learned.get(wan.uplink) ?? { 4: null, 6: null }) };
    const both = await this.sys.routes.defaultRoutes().catch(() => ({ 4: null, 6: null }));
    for (const family of [4, 6] as const) {
      const r = both[family];
      if (r?.device === wan.device) seen[family] = r.gateway;
    }
    this.learned.set(wan.uplink, seen);
  }

  private async runIpv6Hook(wan: WanEntry, previous: Uplink | null): Promise<void> {
    const hook = this.config.ipv6Hook;
    if (hook === null) return;
    const iface = await this.sys.interface(wan.device).catch(() => undefined);
    const prev = previous ? (await this.interfaceMap()).find((w) => w.uplink === previous.id) : undefined;
    const env = ipv6HookEnvironment(wan, iface, prev);
    await this.sys.runner.run([hook], { env, uplink: wan.uplink }).catch((err: unknown) => {
      this.sys.warn(`the IPv6 hook ${hook} failed: ${message(err)}`);
    });
  }

  /** Singleton: `linkup stop` on `wans` after `releaseDelayMs` (see the option for why later). */
  private scheduleRelease(wans: readonly WanEntry[]): void {
    if (wans.length === 0) return;
    const timer = setTimeout(() => {
      this.pendingRelease = null;
      void this.exclusive(() => this.release(wans));
    }, this.config.releaseDelayMs);
    timer.unref();
    this.pendingRelease = { timer, wans };
  }

  private cancelRelease(): void {
    if (this.pendingRelease) clearTimeout(this.pendingRelease.timer);
    this.pendingRelease = null;
  }

  private async release(wans: readonly WanEntry[]): Promise<void> {
    const idle = wans.filter((w) => w.uplink !== this.active);
    for (const problem of await releaseWans(this.sys, idle)) this.sys.warn(problem);
    if (idle.length > 0) this.sys.info(`released ${idle.map((w) => `${w.uplink} (${w.device})`).join(', ')}`);
  }

  private startDrift(): void {
    if (this.drift || this.config.driftCheckMs === 0 || this.closed) return;
    this.drift = setInterval(() => {
      const wan = this.active;
      const routes = this.routes;
      if (wan === null || routes === null || this.role !== 'master') return;
      void this.exclusive(async () => {
        const entry = (await this.interfaceMap()).find((w) => w.uplink === wan);
        if (entry && this.active === wan)
          await reassertGateway({ sys: this.sys, config: this.config, configuredGateway: () => null }, entry, routes);
      }).catch((err: unknown) => this.sys.warn(`re-asserting the default route: ${message(err)}`));
    }, this.config.driftCheckMs);
    this.drift.unref();
  }

  private stopDrift(): void {
    if (this.drift) clearInterval(this.drift);
    this.drift = null;
  }

  private async wan(id: string): Promise<WanEntry> {
    this.assertOpen();
    const wan = (await this.interfaceMap()).find((w) => w.uplink === id);
    if (!wan)
      throw new WanwatchError('E_UNKNOWN_UPLINK', `the OPNsense adapter was not given uplink "${id}"`, { uplink: id });
    return wan;
  }

  private assertOpen(): void {
    if (this.closed) throw new WanwatchError('E_STOPPED', 'the OPNsense adapter is closed');
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(work);
  }
}

/**
 * Creates an {@link OpnsenseAdapter}.
 *
 * @example
 * ```ts
 * const adapter = createOpnsenseAdapter(uplinks, { mode: 'gateway', killStates: 'off' });
 * ```
 */
export function createOpnsenseAdapter(uplinks: readonly Uplink[], options?: OpnsenseAdapterOptions): OpnsenseAdapter {
  return new OpnsenseAdapter(uplinks, options);
}
