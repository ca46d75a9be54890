/**
 * The agent's event hub: the engine's events as plain JSON records with a
 * sequence number, for everything that leaves the process (the HTTP API's
 * event stream, webhooks, the status page). A reload replaces the engine;
 * the hub stays, so a listener never has to re-subscribe and sequence
 * numbers keep increasing.
 *
 * It also keeps what a page that opens now needs: the last
 * {@link EVENT_BUFFER} events (so a stream can resume from `Last-Event-ID`)
 * and one RTT/loss sample per uplink every `sampleMs` for the last hour.
 */
import { EventEmitter } from 'eventemitter3';
import { systemClock, type Clock, type Engine, type EngineEvents, type TimerHandle } from '@wanwatch/core';

/** Types of {@link AgentEvent}. `probe` is counted by the metrics, never streamed (it fires several times a second). */
export const AGENT_EVENT_TYPES = [
  'state',
  'switch-start',
  'switch-done',
  'switch-failed',
  'failback-pending',
  'failback-cancelled',
  'role',
  'warning',
  'sample',
] as const;
export type AgentEventType = (typeof AGENT_EVENT_TYPES)[number];

/** One event as it leaves the agent. `data` is the engine event's payload, made JSON-safe (errors → `{ code, message }`). */
export interface AgentEvent {
  /** Increases by one per event, for the life of the process. */
  readonly seq: number;
  readonly type: AgentEventType;
  readonly at: number;
  readonly uplink: string | null;
  readonly data: Readonly<Record<string, unknown>>;
}

/** One uplink's measurements at one instant (the status page's charts). */
export interface UplinkSample {
  readonly id: string;
  readonly state: string;
  readonly rttMs: number | null;
  readonly lossPct: number | null;
}

/** Every uplink at one instant. */
export interface Sample {
  readonly at: number;
  readonly active: string | null;
  readonly uplinks: readonly UplinkSample[];
}

/** Events kept for resuming streams. */
export const EVENT_BUFFER = 500;
/** Default sample period; an hour of samples is kept. */
export const SAMPLE_MS = 10_000;

interface HubEvents {
  event: [AgentEvent];
  /** Every probe round (for counters; not an AgentEvent). */
  probe: [{ uplink: string; sent: number; answered: number; level: string }];
}

const jsonSafe = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Error ? { code: (v as { code?: string }).code ?? 'E_INTERNAL', message: v.message } : v,
    ),
  ) as unknown;

/**
 * @example
 * ```ts
 * const hub = new EventHub();
 * const detach = hub.attach(engine);
 * hub.on('event', (e) => console.log(e.seq, e.type, e.uplink));
 * ```
 */
export class EventHub extends EventEmitter<HubEvents> {
  private seq = 0;
  private readonly recent: AgentEvent[] = [];
  private readonly samples: Sample[] = [];
  private timer: TimerHandle | null = null;
  private engine: Engine | null = null;

  constructor(
    private readonly clock: Clock = systemClock,
    readonly sampleMs: number = SAMPLE_MS,
  ) {
    super();
  }

  private publish(type: AgentEventType, at: number, uplink: string | null, data: unknown): void {
    const event: AgentEvent = { seq: ++this.seq, type, at, uplink, data: jsonSafe(data) as Record<string, unknown> };
    this.recent.push(event);
    if (this.recent.length > EVENT_BUFFER) this.recent.shift();
    this.emit('event', event);
  }

  /** Listens to `engine` (the hub follows one engine at a time); returns the function that stops it. */
  attach(engine: Engine): () => void {
    this.engine = engine;
    const on = <K extends keyof EngineEvents>(name: K, fn: (...args: EngineEvents[K]) => void) => {
      engine.on(name, fn);
      return () => void engine.off(name, fn);
    };
    const offs = [
      on('uplink:state', (e) => this.publish('state', e.at, e.uplink, e)),
      on('switch:start', (e) => this.publish('switch-start', e.at, e.to, e)),
      on('switch:done', (e) => this.publish('switch-done', e.at, e.to, e)),
      on('switch:failed', (e) => this.publish('switch-failed', e.at, e.to, e)),
      on('failback:pending', (e) => this.publish('failback-pending', e.at, e.uplink, e)),
      on('failback:cancelled', (e) => this.publish('failback-cancelled', e.at, e.uplink, e)),
      on('role', (e) => this.publish('role', e.at, null, e)),
      on('warning', (e) => this.publish('warning', e.at, e.error.uplink ?? null, e)),
      on('probe', (e) =>
        this.emit('probe', {
          uplink: e.uplink,
          sent: e.results.length,
          answered: e.results.filter((r) => r.result.ok).length,
          level: e.level,
        }),
      ),
    ];
    if (this.timer === null) this.scheduleSample();
    return () => {
      for (const off of offs) off();
      if (this.engine === engine) this.engine = null;
    };
  }

  private scheduleSample(): void {
    this.timer = this.clock.setTimeout(() => {
      this.sample();
      this.scheduleSample();
    }, this.sampleMs);
  }

  /** Records one sample of every uplink now (also called by the timer). */
  sample(): Sample | null {
    const engine = this.engine;
    if (!engine) return null;
    const st = engine.status();
    const sample: Sample = {
      at: st.at,
      active: st.active,
      uplinks: st.uplinks.map((u) => ({
        id: u.id,
        state: u.state,
        rttMs: u.metrics.rttMs,
        lossPct: u.metrics.lossPct,
      })),
    };
    this.samples.push(sample);
    const keep = Math.ceil(3_600_000 / this.sampleMs);
    if (this.samples.length > keep) this.samples.splice(0, this.samples.length - keep);
    this.publish('sample', sample.at, null, sample);
    return sample;
  }

  /** Events after `seq` still in the buffer, oldest first. */
  since(seq: number): AgentEvent[] {
    return this.recent.filter((e) => e.seq > seq);
  }

  /** The last hour of samples, oldest first. */
  history(): readonly Sample[] {
    return [...this.samples];
  }

  /** Stops sampling. */
  close(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
