/**
 * The `simulated` platform: the simulated network of `@wanwatch/core/sim`
 * on the process clock, with the conditions of the config's
 * `simulated.links` (no root, no network). Its default route is kept in
 * `<state>/simulated-route` like a kernel's routing table outlives the
 * agent, so a restarted or reloaded agent finds (and adopts) the uplink that
 * was active, as it would on a real router. It owns the config's
 * `simulated:` section.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { durationLimit, percentLimit, systemClock, type Adapter, type Clock, type Engine } from '@wanwatch/core';
import { SimNetwork, seededRandom, type LinkConditions } from '@wanwatch/core/sim';
import { boolean, duration, integer, oneOf, percent, record, section, text } from '../config/schema-kit.js';
import { checkUplinkNames, type Platform, type PlatformModule } from './platform.js';

/** The file that holds the simulated default route. */
export const SIMULATED_ROUTE_FILE = 'simulated-route';

/** Conditions of one simulated uplink. */
export type SimulatedLink = Partial<LinkConditions> & { readonly carrier?: 'up' | 'down' };

/** The simulated platform's section. */
export interface SimulatedSection {
  readonly seed: number;
  readonly activateDelayMs: number;
  readonly initialRoute: string | null;
  readonly links: Readonly<Record<string, SimulatedLink>>;
}

/** The part of the agent's config the simulated platform owns. */
export interface SimulatedSections {
  readonly simulated: SimulatedSection;
}

/** Defaults of `simulated:`. */
export const SIMULATED_DEFAULTS = Object.freeze({ seed: 1, activateDelayMs: 5, initialRoute: null });

const RTT = durationLimit(0, 60_000);

const SIMULATED_SCHEMA = section(
  {
    seed: integer('seed of the simulated randomness', { default: SIMULATED_DEFAULTS.seed }),
    activateDelay: duration('time a simulated switch takes', {
      default: SIMULATED_DEFAULTS.activateDelayMs,
      limit: durationLimit(0, 60_000),
      field: 'activateDelayMs',
    }),
    initialRoute: text('uplink holding the simulated default route on first start; null = none', {
      nullable: true,
      default: SIMULATED_DEFAULTS.initialRoute,
    }),
    links: record(
      section(
        {
          rtt: duration('mean RTT (default 20ms)', { limit: RTT, field: 'rttMs' }),
          jitter: duration('RTT standard deviation (default 2ms)', { limit: RTT, field: 'jitterMs' }),
          loss: percent('random loss (default 0%)', { limit: percentLimit(0, 100), field: 'lossPct' }),
          dead: boolean('upstream blackhole: nothing answers (default false)'),
          carrier: oneOf(['up', 'down'], 'link state (default up)'),
          forwards: boolean('false: own probes pass, routed traffic does not (default true)'),
        },
        'conditions of one simulated uplink',
        { defaults: false },
      ),
      'simulated conditions per uplink name',
      { defaults: true },
    ),
  },
  'the simulated platform (no root, no network)',
);

function readRoute(file: string, known: ReadonlySet<string>): string | null | undefined {
  try {
    const route: unknown = (JSON.parse(readFileSync(file, 'utf8')) as { route?: unknown }).route;
    return typeof route === 'string' && known.has(route) ? route : null;
  } catch {
    return undefined; // none yet (or unreadable): the config's initialRoute applies
  }
}

/** A running simulated platform, and its network for tests that drive it. */
export interface SimulatedPlatform extends Platform {
  readonly network: SimNetwork;
}

/** What {@link simulatedPlatform} reads of the agent's config. */
export interface SimulatedPlatformConfig extends SimulatedSections {
  readonly uplinks: readonly { readonly id: string }[];
  readonly stateDir: string;
}

/** The simulated platform of `config`, on `clock` (default the process clock). */
export function simulatedPlatform(config: SimulatedPlatformConfig, clock: Clock = systemClock): SimulatedPlatform {
  const sim = config.simulated;
  const file = join(config.stateDir, SIMULATED_ROUTE_FILE);
  const known = new Set(config.uplinks.map((u) => u.id));
  const saved = readRoute(file, known);
  const network = new SimNetwork({
    clock,
    random: seededRandom(sim.seed),
    activateMs: sim.activateDelayMs,
    initialRoute: saved === undefined ? sim.initialRoute : saved,
  });
  for (const [id, { carrier, ...conditions }] of Object.entries(sim.links)) {
    network.set(id, conditions);
    if (carrier) network.setCarrier(id, carrier);
  }
  const save = () => {
    mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify({ route: network.route })}\n`, { mode: 0o600 });
  };
  const base = network.adapter;
  const adapter: Adapter = {
    ...base,
    activate: async (uplink, context) => {
      try {
        await base.activate(uplink, context);
      } finally {
        save();
      }
    },
  };
  return {
    name: 'simulated',
    adapter,
    probe: network.probe,
    network,
    start: async (_engine: Engine) => undefined,
    stop: async () => undefined,
  };
}

/** The `simulated` platform module. */
export const SIMULATED_PLATFORM: PlatformModule<SimulatedSections> = {
  name: 'simulated',
  schema: { simulated: SIMULATED_SCHEMA },
  section(converted, context) {
    const simulated = (converted.simulated ?? {}) as SimulatedSection;
    checkUplinkNames(simulated.links, ['simulated', 'links'], context);
    const route = simulated.initialRoute;
    if (typeof route === 'string' && !context.uplinks.some((u) => u.id === route))
      context.issue(['simulated', 'initialRoute'], `no uplink is named "${route}"`);
    return { simulated };
  },
  create(sections, context) {
    return simulatedPlatform({ ...sections, uplinks: context.uplinks, stateDir: context.stateDir }, context.clock);
  },
};
