/**
 * The daemon behind `wanwatch run`: config → platform → engine (with the
 * state store, hooks and logging) → control socket.
 *
 * Reload (SIGHUP or the `reload` command) validates the new file first; a
 * refused file is logged and nothing changes. An accepted one builds the new
 * engine, stops the old one (which saves state and leaves routing as it is)
 * and starts the new one, which adopts the uplink the platform reports active
 * and the holds, penalties and back-offs of the state store: no switch. A
 * failback timer that was running starts again. The platforms follow their
 * lifecycle (platform/platform.ts): the new one is created beside the old
 * (taking over what did not change, e.g. keepalived's role source), the
 * old one is stopped before the new one starts, and the new one's start
 * removes what the old layout left that it does not use (Linux: rules,
 * tables and the metric's route of a changed `tableBase`, `tables`,
 * `rulePriority` or `metric`). The control socket's path takes effect at
 * the next start; everything else at once.
 */
import { Engine, SerialQueue, describeError } from '@wanwatch/core';
import { loadConfig, type AgentConfig } from './config/load.js';
import { ControlService, type AgentInfo, type EngineHost } from './control/service.js';
import { listenControl, type ControlServer } from './control/server.js';
import { EventHub } from './events/hub.js';
import { ExecHookRunner } from './hooks.js';
import { listenHttp, type HttpServer } from './http/server.js';
import { AgentMetrics } from './metrics/metrics.js';
import { WebhookNotifier } from './notify/webhooks.js';
import { logEngine } from './logging/engine-log.js';
import { createLogger, reconfigureLogger, type AgentLogger, type LogOutput } from './logging/logger.js';
import { createPlatform, type Platform } from './platform/index.js';
import { AgentStateStore } from './state-store.js';
import { VERSION } from './version.js';

interface Running {
  readonly config: AgentConfig;
  readonly engine: Engine;
  /** The platform: adapter, probe, role source and their lifecycle. */
  readonly platform: Platform;
  readonly store: AgentStateStore;
  readonly detach: () => void;
}

/**
 * One agent process.
 *
 * @example
 * ```ts
 * const daemon = await Daemon.start('/etc/wanwatch/wanwatch.yaml', { stream: process.stdout });
 * process.on('SIGHUP', () => void daemon.reload().catch(() => undefined));
 * process.on('SIGTERM', () => void daemon.stop());
 * ```
 */
export class Daemon implements EngineHost {
  readonly log: AgentLogger;
  private current: Running | null = null;
  private control: ControlServer | null = null;
  private http: HttpServer | null = null;
  private notifier: WebhookNotifier | null = null;
  /** Outlives reloads: streams, metrics counters and webhooks never re-subscribe. */
  readonly hub = new EventHub();
  readonly metrics = new AgentMetrics(this.hub, () => this.engine());
  /** Reloads and the stop run one at a time. */
  private readonly queue = new SerialQueue();
  private readonly startedAt = Date.now();
  private reloadedAt: number | null = null;

  private constructor(
    private readonly file: string,
    private config: AgentConfig,
    private readonly output: LogOutput,
  ) {
    this.log = createLogger(config.log, output);
  }

  /** Loads the config (throws `ConfigFileError`), opens the control socket, starts the engine. */
  static async start(file: string, output: LogOutput): Promise<Daemon> {
    const daemon = new Daemon(file, loadConfig(file), output);
    await daemon.open();
    return daemon;
  }

  private async open(): Promise<void> {
    const { config } = this;
    const built = this.build(config); // before the socket: a platform that cannot be built stops us here
    // The charts' history: what an earlier run kept, and from now on (the state directory of the first config).
    this.hub.samples.persistTo(config.stateDir, (m) => this.log.warn(m));
    const service = new ControlService(this);
    const control = await listenControl(config.socket, service);
    this.control = control;
    if (config.http) {
      try {
        this.http = await listenHttp(config.http, { service, hub: this.hub, metrics: this.metrics, log: this.log });
      } catch (err) {
        await control.close();
        throw err;
      }
      this.log.notice(`HTTP API and status page on ${this.http.url}`);
    }
    this.notify(config);
    if (control.stale)
      this.log.warn(`removed a stale control socket at ${config.socket} (an agent did not stop cleanly)`);
    this.log.notice(
      `wanwatch ${VERSION} starting: platform ${config.platform}, ${config.uplinks.length} uplinks (${config.uplinks.map((u) => u.id).join(', ')}), config ${this.file}, state ${config.stateDir}, control ${config.socket}`,
    );
    await this.activate(built);
  }

  /** (Re)starts the webhooks of `config`; events still queued for the old ones are dropped. */
  private notify(config: AgentConfig): void {
    this.notifier?.close();
    this.notifier = null;
    if (config.webhooks.length === 0) return;
    const notifier = new WebhookNotifier(this.hub, config.webhooks);
    notifier.on('attempt', (a) => {
      if (!a.ok && a.retryInMs !== null)
        this.log.info(
          `webhook ${a.url}: event ${a.seq} attempt ${a.attempt} failed (${a.error ?? `HTTP ${a.status}`}); retry in ${a.retryInMs / 1000} s`,
        );
    });
    notifier.on('warning', (m) => this.log.warn(m));
    this.notifier = notifier;
  }

  /** The webhooks' delivery counts (empty when none are configured). */
  webhookStats(): ReturnType<WebhookNotifier['stats']> {
    return this.notifier?.stats() ?? [];
  }

  private build(config: AgentConfig): Running {
    // One store per directory for the whole process: its writes are tracked across reloads.
    const kept = this.current?.store;
    const store = kept && kept.dir === config.stateDir ? kept : new AgentStateStore(config.stateDir, config.history);
    const logger = { warn: (m: string) => this.log.warn(m), info: (m: string) => this.log.info(m) };
    const platform = createPlatform(config, { logger, previous: this.current?.platform ?? null });
    const engine = new Engine({
      uplinks: config.uplinks,
      settings: config.settings,
      adapter: platform.adapter,
      probe: platform.probe,
      store,
      hooks: new ExecHookRunner(config.hooks),
      roleSource: platform.roleSource,
    });
    return { config, engine, platform, store, detach: () => undefined };
  }

  private async activate(built: Running): Promise<void> {
    const logged = logEngine(built.engine, this.log, { summaryMs: built.config.log.summaryMs });
    const unhub = this.hub.attach(built.engine);
    await built.engine.start();
    await built.platform.start(built.engine);
    const detach = () => {
      unhub();
      logged();
    };
    this.current = { ...built, detach };
    const st = built.engine.status();
    this.log.notice(`engine running; active uplink: ${st.active ?? 'none'}`);
  }

  /** The HTTP API's base URL, null when it is off. */
  get httpUrl(): string | null {
    return this.http?.url ?? null;
  }

  engine(): Engine | null {
    return this.current?.engine ?? null;
  }

  info(): AgentInfo {
    return {
      pid: process.pid,
      version: VERSION,
      config: this.file,
      platform: this.config.platform,
      startedAt: this.startedAt,
      reloadedAt: this.reloadedAt,
    };
  }

  /**
   * Reloads the config file. Rejects with the `ConfigFileError` (after
   * logging every problem) when the file is refused; the running engine is
   * then untouched.
   */
  reload(): Promise<void> {
    return this.queue.run(async () => {
      this.log.notice(`reloading ${this.file}`);
      let next: AgentConfig;
      let built: Running;
      try {
        next = loadConfig(this.file);
        built = this.build(next);
      } catch (err) {
        const lines =
          err instanceof Error && 'lines' in err ? (err as { lines(): string[] }).lines() : [describeError(err)];
        for (const line of lines) this.log.error(line);
        this.log.error(`reload refused: ${lines.length} problem(s) in ${this.file}; the running config stays in force`);
        throw err;
      }
      const before = this.current;
      const was = before?.engine.status().active ?? null;
      this.current = null;
      await before?.engine.stop();
      before?.detach();
      await before?.platform.stop(built.platform);
      await before?.store.flush();
      if (next.socket !== this.config.socket)
        this.log.warn(`control.socket changed to ${next.socket}; it takes effect at the next start`);
      if (JSON.stringify(next.http) !== JSON.stringify(this.config.http))
        this.log.warn('control.http changed; it takes effect at the next start (the token file is re-read at once)');
      this.config = next;
      this.notify(next);
      reconfigureLogger(this.log, next.log, this.output);
      this.reloadedAt = Date.now();
      try {
        await this.activate(built);
      } catch (err) {
        this.log.error(`the reloaded engine did not start (${describeError(err)}); restarting the previous config`);
        await built.engine.stop();
        await built.platform.stop(null);
        if (before) await this.activate(this.build(before.config));
        throw err;
      }
      const now = this.engine()?.status().active ?? null;
      this.log.notice(`config reloaded; active uplink ${now ?? 'none'} (was ${was ?? 'none'})`);
    });
  }

  /** Stops the engine (state saved, routing left as it is) and closes the control socket. */
  stop(): Promise<void> {
    return this.queue.run(async () => {
      const running = this.current;
      this.current = null;
      if (running) {
        this.log.notice(`stopping; routing stays on ${running.engine.status().active ?? 'none'}`);
        await running.engine.stop();
        running.detach();
        await running.platform.stop(null);
        await running.store.flush();
      }
      await this.http?.close();
      this.http = null;
      this.notifier?.close();
      this.notifier = null;
      this.hub.close();
      await this.hub.samples.flush();
      await this.control?.close();
      this.control = null;
      this.log.notice('stopped');
    });
  }

  /** Ends the logger once its lines are written (a log file is flushed). */
  closeLog(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 2000);
      this.log.on('finish', () => {
        clearTimeout(timer);
        resolve();
      });
      this.log.end();
    });
  }
}
