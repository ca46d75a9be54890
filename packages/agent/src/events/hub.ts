/**
 * The agent's event hub: the engine's events as plain JSON records with a
 * sequence number, for everything that leaves the process (the HTTP API's
 * event stream, webhooks, the status page). A reload replaces the engine;
 * the hub stays, so a listener never has to re-subscribe and sequence
 * numbers keep increasing.
 *
 * It also keeps what a page that opens now needs: the last
 * {@link EVENT_BUFFER} events (so a stream can resume from `Last-Event-ID`)
 * and the charts' measurements ({@link SampleHistory}: every probe round and
 * state change, in points every `sampleMs` on the wall clock's multiples of
 * it, each published as a `sample` event).
 */
import { EventEmitter } from 'eventemitter3';
import { systemClock, type Clock, type Engine, type EngineEvents, type TimerHandle } from '@wanwatch/core';
import { FINE_MS, SampleHistory, type Sample } from './samples.js';

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

/** Events kept for resuming streams. */
export const EVENT_BUFFER = 500;
/** Sample period (the charts' finest points; see samples.ts). */
export const SAMPLE_MS = FINE_MS;

interface HubEvents {
  event: [AgentEvent];
  /** Every probe round (for counters and charts; not an AgentEvent). `rttMs`: mean RTT of the answers, null when none. */
  probe: [{ uplink: string; sent: number; answered: number; level: string; rttMs: number | null }];
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
  private timer: TimerHandle | null = null;
  private engine: Engine | null = null;

  constructor(
    private readonly clock: Clock = systemClock,
    readonly sampleMs: number = SAMPLE_MS,
    /** The charts' measurements (memory only unless `persistTo` is called on it). */
    readonly samples: SampleHistory = new SampleHistory(),
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
      on('uplink:state', (e) => {
        this.samples.state(e.uplink, e.to);
        this.publish('state', e.at, e.uplink, e);
      }),
      on('switch:start', (e) => this.publish('switch-start', e.at, e.to, e)),
      on('switch:done', (e) => this.publish('switch-done', e.at, e.to, e)),
      on('switch:failed', (e) => this.publish('switch-failed', e.at, e.to, e)),
      on('failback:pending', (e) => this.publish('failback-pending', e.at, e.uplink, e)),
      on('failback:cancelled', (e) => this.publish('failback-cancelled', e.at, e.uplink, e)),
      on('role', (e) => this.publish('role', e.at, null, e)),
      on('warning', (e) => this.publish('warning', e.at, e.error.uplink ?? null, e)),
      on('probe', (e) => {
        const rtts = e.results.flatMap((r) => (r.result.ok ? [r.result.rttMs] : []));
        const round = {
          uplink: e.uplink,
          sent: e.results.length,
          answered: rtts.length,
          level: e.level,
          rttMs: rtts.length === 0 ? null : rtts.reduce((a, b) => a + b, 0) / rtts.length,
        };
        this.samples.round(round.uplink, round.sent, round.answered, round.rttMs);
        this.emit('probe', round);
      }),
    ];
    this.samples.begin(this.clock.now());
    if (this.timer === null) this.scheduleSample();
    return () => {
      for (const off of offs) off();
      if (this.engine === engine) this.engine = null;
    };
  }

  /** Samples on the wall clock's multiples of `sampleMs`, so points line up across restarts and into minutes. */
  private scheduleSample(): void {
    const now = this.clock.now();
    const next = (Math.floor(now / this.sampleMs) + 1) * this.sampleMs;
    this.timer = this.clock.setTimeout(() => {
      this.sample(next);
      this.scheduleSample();
    }, next - now);
  }

  /** Ends the current point of every uplink at `at` (default now) and publishes it (also called by the timer). */
  sample(at?: number): Sample | null {
    const engine = this.engine;
    if (!engine) return null;
    const st = engine.status();
    const sample = this.samples.close(
      at ?? st.at,
      st.active,
      st.uplinks.map((u) => ({ id: u.id, state: u.state })),
    );
    this.publish('sample', sample.at, null, sample);
    return sample;
  }

  /** Events after `seq` still in the buffer, oldest first. */
  since(seq: number): AgentEvent[] {
    return this.recent.filter((e) => e.seq > seq);
  }

  /** The last hour of 10-second points, oldest first. */
  history(): readonly Sample[] {
    return this.samples.recent();
  }

  /** Stops sampling. */
  close(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
