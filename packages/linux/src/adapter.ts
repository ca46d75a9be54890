/**
 * wanwatch's Linux adapter: iproute2 for reading and switching, a routing
 * table and rules per uplink for probes, `ip monitor` for carrier events
 * and for re-asserting the probe routing when links, addresses, routes or
 * rules change under it, and conntrack for a selective clean-up.
 *
 * Every change to the system runs one at a time (a single queue), so that
 * a re-assertion triggered by an event never interleaves with a switch.
 */
import {
  SerialQueue,
  WanwatchError,
  systemClock,
  type ActivateContext,
  type Adapter,
  type AdoptContext,
  type LinkEvent,
  type RoleContext,
  type Uplink,
} from '@wanwatch/core';
import { ExecaRunner, type CommandRunner } from '@wanwatch/exec';
import { LinkWatch } from './monitor/link-watch.js';
import { resolveOptions, type LinuxAdapterOptions, type ManagedUplink, type ResolvedOptions } from './options.js';
import {
  ownRules,
  probeRoutingCommands,
  removalCommands,
  ruleCommand,
  type ProbeRoutingPlan,
  type RoutingState,
  type RuleBlock,
} from './probing/policy-routing.js';
import {
  asDefaultRoute,
  describeRoute,
  effectiveDefault,
  ownMainRoute,
  routeCommand,
  tableDefault,
} from './routes/default-route.js';
import { mainRouteRepairs } from './probing/main-route.js';
import { GatewayBook, uplinkRoute, type Ownership } from './routes/gateways.js';
import { IpReader, type LinkEntry } from './state/ip-json.js';
import { activateRoutes } from './switch/activation.js';
import { cleanFlowsOf } from './switch/conntrack.js';
import { enterRole } from './ha/enter-role.js';

type Families<T> = { 4: T; 6: T };

/**
 * The Linux adapter. Implements core's `Adapter`.
 *
 * @example
 * ```ts
 * import { Engine } from '@wanwatch/core';
 * import { createProbe } from '@wanwatch/probes';
 * import { createLinuxAdapter } from '@wanwatch/linux';
 *
 * const adapter = createLinuxAdapter(uplinks, { metric: 10, logger: console });
 * const probe = createProbe({ resolveGateway: adapter.resolveGateway });
 * const engine = new Engine({ uplinks, adapter, probe });
 * ```
 */
export class LinuxAdapter implements Adapter {
  /** Linux probes every uplink, active or not (a table per uplink). */
  readonly capabilities = { standbyProbing: true } as const;
  /** {@link LinuxAdapter.gatewayOf} in the shape of `@wanwatch/probes`' `resolveGateway` option. */
  readonly resolveGateway: (uplink: Uplink, family: 4 | 6) => string | null;

  private readonly config: ResolvedOptions;
  private readonly byId: ReadonlyMap<string, ManagedUplink>;
  private readonly runner: CommandRunner;
  private readonly ip: IpReader;
  private readonly own: Ownership;
  private readonly block: RuleBlock;
  private readonly gateways = new GatewayBook();
  private readonly knownAddresses = new Map<string, Families<string[]>>();
  private readonly watch: LinkWatch;
  private readonly queue = new SerialQueue();
  private active: string | null = null;
  private closed = false;
  private conntrackWarned = false;
  private readonly missingGateways = new Set<string>();

  /** Throws a core `ConfigError` when an uplink or an option cannot be used. */
  constructor(
    private readonly given: readonly Uplink[],
    private readonly options: LinuxAdapterOptions = {},
  ) {
    this.config = resolveOptions(given, options);
    this.byId = new Map(this.config.uplinks.map((u) => [u.id, u]));
    this.runner = new ExecaRunner({
      prefix: this.config.commandPrefix,
      timeoutMs: this.config.commandTimeoutMs,
      debug: (m) => options.logger?.debug?.(m),
    });
    this.ip = new IpReader(this.runner);
    const tables = new Set(this.config.uplinks.map((u) => u.table));
    this.own = { tables, metric: this.config.metric };
    const first = this.config.rulePriority;
    this.block = { first, last: first + Math.max(0, this.config.uplinks.length - 1), tables };
    this.resolveGateway = (uplink, family) => this.gatewayOf(uplink.id, family);
    this.watch = new LinkWatch({
      uplinks: this.config.uplinks,
      own: this.own,
      argv: [...this.config.commandPrefix, 'ip', '-N', '-o', 'monitor', 'link', 'address', 'route', 'rule'],
      refreshDelayMs: this.config.refreshDelayMs,
      clock: options.clock ?? systemClock,
      readLinks: async () => {
        const links = await this.ip.links();
        this.noteLinks(links);
        return links;
      },
      refresh: (list) => {
        this.exclusive(() => this.reassert(list, false)).catch((err: unknown) =>
          this.warn(`wanwatch linux: re-asserting the probe routing failed: ${message(err)}`),
        );
      },
      warn: (m) => this.warn(m),
      info: (m) => this.info(m),
    });
  }

  /**
   * The current gateway of an uplink for a family: the configured address,
   * or for `auto` (or unset) the one last learned from the system; null
   * when none is known. Matches probes' `resolveGateway`.
   */
  gatewayOf(uplinkId: string, family: 4 | 6): string | null {
    const m = this.byId.get(uplinkId);
    return m ? this.gateways.gatewayOf(m, family) : null;
  }

  /** The uplink wanwatch last made active (or found holding its route), or null. */
  get activeUplink(): string | null {
    return this.active;
  }

  /**
   * Which configured uplink holds the effective default route of the main
   * table (IPv4; IPv6 when there is no IPv4 one), whether the route is
   * wanwatch's or another tool's (a DHCP client's). Changes nothing.
   */
  async discover(uplinks: readonly Uplink[]): Promise<string | null> {
    this.assertOpen();
    const wanted = new Set(uplinks.map((u) => u.id));
    const [r4, r6] = await Promise.all([this.ip.defaultRoutes(4), this.ip.defaultRoutes(6)]);
    const route = effectiveDefault(r4) ?? effectiveDefault(r6);
    if (!route || route.type !== 'unicast' || route.multipath || route.dev === undefined) return null;
    const holder = this.config.uplinks.find((u) => u.device === route.dev && wanted.has(u.id));
    if (!holder) return null;
    if (route.metric === this.config.metric) this.active = holder.id;
    return holder.id;
  }

  /**
   * Makes the uplink found carrying traffic at start-up wanwatch's own,
   * without moving traffic: when wanwatch's route of a family is missing
   * (only a DHCP client's route leads out of the uplink) or leads out of
   * another uplink (a switch killed between IPv4 and IPv6), both families
   * are put on the uplink at wanwatch's metric. From then on wanwatch
   * keeps that route even if the other tool drops its own.
   */
  async adopt(uplink: Uplink, context: AdoptContext): Promise<void> {
    const m = this.managed(uplink.id);
    const [links, r4, r6] = await Promise.all([
      this.ip.links(context.signal),
      this.ip.defaultRoutes(4, context.signal),
      this.ip.defaultRoutes(6, context.signal),
    ]);
    const own = { 4: ownMainRoute(r4, this.config.metric), 6: ownMainRoute(r6, this.config.metric) };
    this.gateways.learn(m, { 4: r4, 6: r6 }, this.own);
    const link = links.find((l) => l.name === m.device);
    const wrong = ([4, 6] as const).filter((family) => {
      if (own[family] !== undefined) return own[family].dev !== m.device;
      return uplinkRoute(m, family, this.gateways.gatewayOf(m, family), link) !== null;
    });
    if (wrong.length === 0) {
      this.active = m.id;
      return;
    }
    const elsewhere = wrong.flatMap((family) => own[family]?.dev ?? []);
    const previousDevice = this.config.uplinks.find((u) => elsewhere.includes(u.device));
    const previous = this.given.find((u) => u.id === previousDevice?.id) ?? null;
    if (previous && previousDevice)
      this.warn(
        `wanwatch linux: the default routes lead out of ${m.device} and ${previousDevice.device} (a switch was interrupted); moving both to ${m.id}`,
      );
    else
      this.info(
        `wanwatch linux: adopting ${m.id}: installing wanwatch's default route (metric ${this.config.metric}) beside the one found`,
      );
    await this.activate(uplink, { previous, reason: 'initial', signal: context.signal });
  }

  /** Installs (idempotently) the uplink's table and rules, learning an auto gateway first. */
  async prepareProbing(uplink: Uplink): Promise<void> {
    const m = this.managed(uplink.id);
    this.watch.start();
    await this.exclusive(() => this.reassert([m], true));
  }

  /** Moves the default route (IPv4 and IPv6) to the uplink; then deletes the old uplink's NATed flows. */
  async activate(uplink: Uplink, context: ActivateContext): Promise<void> {
    const m = this.managed(uplink.id);
    await this.exclusive(async () => {
      const signal = context.signal;
      const [links, r4, r6] = await Promise.all([
        this.ip.links(signal),
        this.ip.defaultRoutes(4, signal),
        this.ip.defaultRoutes(6, signal),
      ]).catch((err: unknown) => {
        throw new WanwatchError('E_ACTIVATE_FAILED', `activating ${m.id}: reading the routes failed: ${message(err)}`, {
          uplink: m.id,
          cause: err,
        });
      });
      this.noteLinks(links);
      const routes = { 4: r4, 6: r6 };
      this.gateways.learn(m, routes, this.own);
      const link = links.find((l) => l.name === m.device);
      const wanted = {
        4: uplinkRoute(m, 4, this.gateways.gatewayOf(m, 4), link),
        6: uplinkRoute(m, 6, this.gateways.gatewayOf(m, 6), link),
      };
      await activateRoutes({
        uplink: m,
        context,
        routes,
        wanted,
        metric: this.config.metric,
        runner: this.runner,
        warn: (s) => this.warn(s),
        info: (s) => this.info(s),
      });
      this.active = m.id;
      const previous = context.previous ? this.byId.get(context.previous.id) : undefined;
      const addresses = previous ? this.knownAddresses.get(previous.id) : undefined;
      if (previous && previous.id !== m.id && addresses && this.config.conntrack === 'old-uplink') {
        const report = await cleanFlowsOf(this.runner, previous.id, addresses, this.conntrackWarned);
        this.conntrackWarned ||= report.missing;
        for (const w of report.warnings) this.warn(w);
        if (report.info) this.info(report.info);
      }
    });
  }

  /**
   * HA backup: wanwatch's default routes go via the master (`ha.peer4/6`),
   * stale ones are deleted, and with `ha.backupMode: down` the uplink
   * devices are set down. Without `ha` options only the active uplink is
   * forgotten (routes stay as they are).
   */
  async enterBackup(context: RoleContext): Promise<void> {
    this.assertOpen();
    await this.exclusive(async () => {
      this.active = null;
      await this.applyRole('backup', context.signal);
    });
  }

  /** HA master: uplink devices up again (mode down) and the routes via the peer gone; the engine activates an uplink next. */
  async enterMaster(context: RoleContext): Promise<void> {
    this.assertOpen();
    await this.exclusive(() => this.applyRole('master', context.signal));
  }

  private async applyRole(role: 'master' | 'backup', signal: AbortSignal): Promise<void> {
    const ha = this.config.ha;
    if (!ha) return;
    await enterRole(role, {
      ha,
      metric: this.config.metric,
      devices: this.config.uplinks.map((u) => u.device),
      ip: this.ip,
      runner: this.runner,
      signal,
      warn: (m) => this.warn(m),
    });
  }

  /** Subscribes to carrier changes of the uplinks' devices (starts `ip monitor` on first use). */
  linkEvents(listener: (event: LinkEvent) => void): () => void {
    this.assertOpen();
    return this.watch.subscribe(listener);
  }

  /** Stops the monitor; with `cleanupOnClose`, removes wanwatch's rules and tables. The default route stays. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watch.stop();
    await this.queue.idle();
    if (!this.config.cleanupOnClose) return;
    await this.exclusive(async () => {
      const state = await this.readRoutingState();
      for (const m of this.config.uplinks)
        for (const argv of removalCommands(m, state, this.block)) {
          await this.runner.run(argv).catch((err: unknown) => this.warn(`wanwatch linux: clean-up: ${message(err)}`));
        }
    });
  }

  /**
   * After a reload replaced this adapter by `successor` (already started):
   * removes what this adapter made that the successor does not use, so that
   * a changed `tableBase`/`tables`, `rulePriority` or `metric` leaves no
   * stale rule steering an uplink's traffic into a table that is no longer
   * wanwatch's. Rules of this adapter's block whose (preference, table) the
   * successor does not use are deleted, tables the successor does not use
   * are flushed, and a default route at the old metric is deleted only where
   * the successor's own route of that family already leads out of the same
   * device (make before break). Nothing is done when the layouts are equal.
   * Works on a closed adapter; failures are warnings. Returns the number of
   * commands run.
   */
  async retire(successor: LinuxAdapter): Promise<number> {
    const next = successor.config;
    const keptRules = new Set(next.uplinks.map((u) => `${u.pref}/${u.table}`));
    const keptTables = new Set(next.uplinks.map((u) => u.table));
    const stale = this.config.uplinks.filter((m) => !keptRules.has(`${m.pref}/${m.table}`) || !keptTables.has(m.table));
    const metricChanged = next.metric !== this.config.metric;
    if (stale.length === 0 && !metricChanged) return 0;
    const state = await this.readRoutingState();
    const commands: string[][] = [];
    for (const m of stale)
      for (const family of [4, 6] as const) {
        for (const rule of ownRules(state.rules[family], m, this.block))
          if (!keptRules.has(`${rule.pref}/${rule.table}`)) commands.push(ruleCommand('del', rule));
        if (!keptTables.has(m.table) && tableDefault(state.routes[family], m.table))
          commands.push(['ip', `-${family}`, 'route', 'flush', 'table', String(m.table)]);
      }
    if (metricChanged)
      for (const family of [4, 6] as const) {
        const old = ownMainRoute(state.routes[family], this.config.metric);
        const route = old ? asDefaultRoute(old) : null;
        if (!route) continue;
        if (ownMainRoute(state.routes[family], next.metric)?.dev === route.dev)
          commands.push(routeCommand('del', route, { metric: this.config.metric }));
        else
          this.warn(
            `wanwatch linux: the route "${describeRoute(route)}" at the previous metric ${this.config.metric} is kept: the new metric ${next.metric} has no route on ${route.dev} yet`,
          );
      }
    for (const argv of commands)
      await this.runner.run(argv).catch((err: unknown) => this.warn(`wanwatch linux: retiring: ${message(err)}`));
    if (commands.length > 0)
      this.info(
        `wanwatch linux: removed ${commands.length} rule(s), table(s) and route(s) the new configuration no longer uses`,
      );
    return commands.length;
  }

  // ---- probe routing ------------------------------------------------------

  private async readRoutingState(): Promise<RoutingState & { links: LinkEntry[] }> {
    const [links, r4, r6, rules4, rules6] = await Promise.all([
      this.ip.links(),
      this.ip.defaultRoutes(4),
      this.ip.defaultRoutes(6),
      this.ip.rules(4),
      this.ip.rules(6),
    ]);
    return { links, routes: { 4: r4, 6: r6 }, rules: { 4: rules4, 6: rules6 } };
  }

  /** Makes the uplinks' probe routing (and, for the active uplink, the main default route) what it should be. */
  private async reassert(list: readonly ManagedUplink[], strict: boolean): Promise<void> {
    const state = await this.readRoutingState();
    this.noteLinks(state.links);
    let firstError: Error | null = null;
    for (const m of list) {
      this.gateways.learn(m, state.routes, this.own);
      const link = state.links.find((l) => l.name === m.device);
      const plan: ProbeRoutingPlan = {
        uplink: m,
        link,
        routes: {
          4: uplinkRoute(m, 4, this.gateways.gatewayOf(m, 4), link),
          6: uplinkRoute(m, 6, this.gateways.gatewayOf(m, 6), link),
        },
      };
      this.noteMissingGateways(plan);
      const commands = probeRoutingCommands(plan, state, this.block);
      if (this.active === m.id) commands.push(...mainRouteRepairs(plan, state.routes, this.config.metric));
      if (!link)
        this.info(`wanwatch linux: ${m.device} (uplink ${m.id}) does not exist; its routes wait until it does`);
      for (const argv of commands) {
        try {
          await this.runner.run(argv, { uplink: m.id });
        } catch (err) {
          firstError ??= err instanceof Error ? err : new Error(String(err));
          if (!strict) this.warn(`wanwatch linux: re-asserting ${m.id}'s probe routing: ${message(err)}`);
        }
      }
    }
    if (strict && firstError !== null) throw firstError;
  }

  // ---- helpers ------------------------------------------------------------

  /** Says once (until it changes) that an `auto` gateway is not known, so probes of that family cannot leave yet. */
  private noteMissingGateways(plan: ProbeRoutingPlan): void {
    for (const family of [4, 6] as const) {
      const key = `${plan.uplink.id}/${family}`;
      const missing =
        plan.link !== undefined && plan.uplink.gateway[family].kind === 'auto' && plan.routes[family] === null;
      if (missing && !this.missingGateways.has(key))
        this.warn(
          `wanwatch linux: no IPv${family} gateway of ${plan.uplink.id} is known yet (no default route on ` +
            `${plan.uplink.device} in any table): its IPv${family} probes cannot leave through it until one appears`,
        );
      if (missing) this.missingGateways.add(key);
      else this.missingGateways.delete(key);
    }
  }

  /** Remembers each uplink's addresses: after its device is gone they still name its NATed flows. */
  private noteLinks(links: readonly LinkEntry[]): void {
    for (const m of this.config.uplinks) {
      const link = links.find((l) => l.name === m.device);
      if (!link || link.addresses[4].length + link.addresses[6].length === 0) continue;
      this.knownAddresses.set(m.id, { 4: [...link.addresses[4]], 6: [...link.addresses[6]] });
    }
  }

  private managed(id: string): ManagedUplink {
    this.assertOpen();
    const m = this.byId.get(id);
    if (!m)
      throw new WanwatchError('E_UNKNOWN_UPLINK', `the Linux adapter was not given uplink "${id}"`, { uplink: id });
    return m;
  }

  private assertOpen(): void {
    if (this.closed) throw new WanwatchError('E_STOPPED', 'the Linux adapter is closed');
  }

  /** Runs `work` after every change queued before it. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.run(work);
  }

  private warn(text: string): void {
    this.options.logger?.warn(text);
  }

  private info(text: string): void {
    this.options.logger?.info?.(text);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Creates a {@link LinuxAdapter}.
 *
 * @example
 * ```ts
 * const adapter = createLinuxAdapter(uplinks, { tableBase: 200, conntrack: 'off' });
 * ```
 */
export function createLinuxAdapter(uplinks: readonly Uplink[], options?: LinuxAdapterOptions): LinuxAdapter {
  return new LinuxAdapter(uplinks, options);
}
