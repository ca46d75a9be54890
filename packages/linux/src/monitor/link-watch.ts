/**
 * What the adapter does with `ip monitor`: carrier changes of the uplinks'
 * devices become link events (only on a change), and whatever may have
 * disturbed an uplink's probe routing (its device, its addresses, someone
 * else's default routes on it, the deletion of one of wanwatch's routes or
 * rules) asks for a re-assertion of that uplink, a burst of events at once.
 *
 * Carrier is also read from the devices: when the monitor starts (to know
 * where things stand, without reporting), 250 ms later (a change before
 * `ip monitor` subscribed still shows) and after a restart (changes missed
 * meanwhile are reported). A monitor line newer than a read wins over it.
 */
import type { Clock, LinkEvent, TimerHandle } from '@wanwatch/core';
import type { ManagedUplink } from '../options.js';
import type { Ownership } from '../routes/gateways.js';
import { hasCarrier, MAIN_TABLE, type LinkEntry } from '../state/ip-json.js';
import { LinkMonitor } from './link-monitor.js';
import { carrierOf, isDevice, parseMonitorLine, type MonitorEvent } from './parse.js';

/** After a monitor starts, the devices are read once more this much later. */
const SETTLE_MS = 250;

/** What the watch needs from the adapter. */
export interface LinkWatchDeps {
  readonly uplinks: readonly ManagedUplink[];
  readonly own: Ownership;
  /** The monitor's command line, prefix included. */
  readonly argv: readonly string[];
  readonly refreshDelayMs: number;
  /** Timers and time (the adapter's clock). */
  readonly clock: Clock;
  /** Reads every device (and lets the adapter remember their addresses). */
  readLinks(): Promise<LinkEntry[]>;
  /** Re-asserts the probe routing of `uplinks`. */
  refresh(uplinks: readonly ManagedUplink[]): void;
  warn(message: string): void;
  info(message: string): void;
}

/** Link events and re-assertion requests from one `ip monitor` child. */
export class LinkWatch {
  private monitor: LinkMonitor | null = null;
  private readonly listeners = new Set<(event: LinkEvent) => void>();
  private readonly carriers = new Map<string, { carrier: 'up' | 'down'; seq: number }>();
  private lineSeq = 0;
  private readonly pending = new Set<string>();
  private refreshTimer: TimerHandle | null = null;
  private stopped = false;

  constructor(private readonly deps: LinkWatchDeps) {}

  /** Adds a listener (starting the monitor); returns the function that removes it. */
  subscribe(listener: (event: LinkEvent) => void): () => void {
    this.listeners.add(listener);
    this.start();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts the monitor (idempotent). */
  start(): void {
    if (this.monitor || this.stopped) return;
    this.monitor = new LinkMonitor(
      this.deps.argv,
      {
        line: (line) => this.onLine(line),
        started: (restart) => {
          if (restart) this.deps.info('wanwatch linux: ip monitor restarted');
          void this.resync(restart);
          unref(
            this.deps.clock.setTimeout(() => {
              if (!this.stopped) void this.resync(false, true);
            }, SETTLE_MS),
          );
        },
        died: (why, delayMs) =>
          this.deps.warn(`wanwatch linux: ip monitor ended (${why}); restarting in ${delayMs} ms`),
      },
      undefined,
      undefined,
      this.deps.clock,
    );
    this.monitor.start();
  }

  /** Stops the monitor and pending work, for good. */
  stop(): void {
    this.stopped = true;
    this.monitor?.stop();
    if (this.refreshTimer) this.deps.clock.clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    this.listeners.clear();
  }

  /** Reads every device; fills in unknown carriers and, after a restart or when settling, reports what changed. */
  private async resync(restart: boolean, settle = false): Promise<void> {
    const since = this.lineSeq;
    let links: LinkEntry[];
    try {
      links = await this.deps.readLinks();
    } catch (err) {
      this.deps.warn(`wanwatch linux: reading the devices failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    for (const m of this.deps.uplinks) {
      const known = this.carriers.get(m.id);
      if (known && known.seq > since) continue; // a monitor line told something newer
      const link = links.find((l) => l.name === m.device);
      const carrier = link && hasCarrier(link) ? 'up' : 'down';
      if (!known) this.carriers.set(m.id, { carrier, seq: since });
      else if (restart || settle) this.setCarrier(m, carrier, since);
    }
    if (restart) for (const m of this.deps.uplinks) this.scheduleRefresh(m.id);
  }

  private onLine(line: string): void {
    const event = parseMonitorLine(line);
    if (!event || this.stopped) return;
    const seq = ++this.lineSeq;
    const m = this.uplinkOf(event);
    if (!m) return;
    if (event.kind === 'link') this.setCarrier(m, event.deleted ? 'down' : carrierOf(event.flags), seq, true);
    this.scheduleRefresh(m.id);
  }

  /** The uplink an event is about, when it is one to act on. */
  private uplinkOf(event: MonitorEvent): ManagedUplink | undefined {
    const { uplinks, own } = this.deps;
    switch (event.kind) {
      case 'link':
        return uplinks.find((u) => isDevice(event.name, u.device));
      case 'address':
        return uplinks.find((u) => u.device === event.name);
      case 'route': {
        // wanwatch's own writes come back as events: only a deletion of its routes, or someone else's change, matters.
        const ours = own.tables.has(event.table) || (event.table === MAIN_TABLE && event.metric === own.metric);
        if (ours && !event.deleted) return undefined;
        return uplinks.find((u) => u.device === event.dev);
      }
      case 'rule':
        return event.deleted ? uplinks.find((u) => u.table === event.table) : undefined;
    }
  }

  private setCarrier(m: ManagedUplink, carrier: 'up' | 'down', seq: number, fromLine = false): void {
    const known = this.carriers.get(m.id);
    this.carriers.set(m.id, { carrier, seq });
    // A line before the first read of the devices is reported: it means the link just changed.
    if (known?.carrier === carrier || (!known && !fromLine)) return;
    for (const listener of [...this.listeners]) {
      try {
        listener({ uplink: m.id, carrier });
      } catch (err) {
        this.deps.warn(
          `wanwatch linux: a link event listener threw: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }

  private scheduleRefresh(id: string): void {
    if (this.stopped) return;
    this.pending.add(id);
    if (this.refreshTimer) return;
    this.refreshTimer = this.deps.clock.setTimeout(() => {
      this.refreshTimer = null;
      const list = this.deps.uplinks.filter((u) => this.pending.has(u.id));
      this.pending.clear();
      if (!this.stopped && list.length > 0) this.deps.refresh(list);
    }, this.deps.refreshDelayMs);
    unref(this.refreshTimer);
  }
}

/** Lets the process exit while only this timer is pending (the process clock's timers are Node's). */
function unref(handle: TimerHandle): void {
  (handle as { unref?: () => void }).unref?.();
}
