/**
 * Shared set-up for the engine's scenario tests: an engine on a simulated
 * network under sinon fake timers, and a recorder of what an operator would
 * see (switches, state changes, decisions).
 */
import sinon from 'sinon';
import { Engine, type EngineOptions, type SettingsInput, type Uplink } from '../src/index.js';
import {
  MemoryStateStore,
  RecordingHooks,
  SimNetwork,
  seededRandom,
  type SimNetworkOptions,
} from '../src/testing/index.js';
import { systemClock } from '../src/interfaces/clock.js';
import type { SwitchDoneEvent, SwitchFailedEvent, UplinkStateEvent } from '../src/events.js';

export const TARGETS = ['192.0.2.10', '198.51.100.53', '203.0.113.7'];

export function uplinks(...specs: [string, number][]): Uplink[] {
  return specs.map(([id, priority]) => ({ id, priority, targets: TARGETS }));
}

export interface Rig {
  clock: sinon.SinonFakeTimers;
  net: SimNetwork;
  engine: Engine;
  store: MemoryStateStore;
  hooks: RecordingHooks;
  switches: SwitchDoneEvent[];
  failures: SwitchFailedEvent[];
  states: UplinkStateEvent[];
  /** Advances fake time, letting promises settle between timers. */
  tick(ms: number): Promise<void>;
  /** Advances fake time until `done()` or `maxMs` elapsed; returns the time taken. */
  until(done: () => boolean, maxMs: number, stepMs?: number): Promise<number>;
  /** Awaits `work` (e.g. an operator command) while advancing fake time. */
  settle<T>(work: Promise<T>, maxMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface RigOptions {
  uplinks?: Uplink[];
  settings?: SettingsInput;
  net?: Partial<Omit<SimNetworkOptions, 'clock' | 'random'>>;
  seed?: number;
  store?: MemoryStateStore;
  engine?: Partial<EngineOptions>;
  /** Start time of the fake clock (ms since epoch). */
  now?: number;
}

const live: Rig[] = [];

/** Stops every rig a test built, even one whose set-up failed half-way. Call from `afterEach`. */
export async function cleanupRigs(): Promise<void> {
  for (const r of live.splice(0)) await r.stop();
}

/** Builds (does not start) an engine on a simulated network under fake timers. */
export function rig(options: RigOptions = {}): Rig {
  const clock = sinon.useFakeTimers({
    now: options.now ?? Date.UTC(2026, 10, 21, 12, 0, 0),
    toFake: ['setTimeout', 'clearTimeout', 'Date', 'setInterval', 'clearInterval'],
  });
  const random = seededRandom(options.seed ?? 42);
  const net = new SimNetwork({ clock: systemClock, random, ...options.net });
  const store = options.store ?? new MemoryStateStore();
  const hooks = new RecordingHooks();
  const engine = new Engine({
    uplinks: options.uplinks ?? uplinks(['fiber', 10], ['lte', 20]),
    settings: options.settings,
    probe: net.probe,
    adapter: net.adapter,
    store,
    hooks,
    random,
    ...options.engine,
  });
  const switches: SwitchDoneEvent[] = [];
  const failures: SwitchFailedEvent[] = [];
  const states: UplinkStateEvent[] = [];
  engine.on('switch:done', (e) => switches.push(e));
  engine.on('switch:failed', (e) => failures.push(e));
  engine.on('uplink:state', (e) => states.push(e));
  const tick = async (ms: number) => {
    await clock.tickAsync(ms);
  };
  const until = async (done: () => boolean, maxMs: number, stepMs = 10) => {
    const start = Date.now();
    while (!done() && Date.now() - start < maxMs) await clock.tickAsync(stepMs);
    return Date.now() - start;
  };
  const settle = async <T>(work: Promise<T>, maxMs = 120_000): Promise<T> => {
    let done = false;
    const tracked = work.finally(() => {
      done = true;
    });
    tracked.catch(() => undefined);
    await until(() => done, maxMs, 5);
    if (!done) throw new Error(`still pending after ${maxMs} ms of fake time`);
    return tracked;
  };
  const built: Rig = {
    clock,
    net,
    engine,
    store,
    hooks,
    switches,
    failures,
    states,
    tick,
    until,
    settle,
    stop: async () => {
      try {
        await settle(engine.stop());
      } finally {
        clock.restore();
      }
    },
  };
  live.push(built);
  return built;
}

/** Builds and starts a rig and lets every uplink become `up` (and the initial switch happen). */
export async function running(options: RigOptions = {}): Promise<Rig> {
  const r = rig(options);
  await r.engine.start();
  await r.until(
    () =>
      r.engine.status().active !== null && r.engine.status().uplinks.every((u) => u.state !== 'unknown' || !u.probing),
    30_000,
  );
  return r;
}
