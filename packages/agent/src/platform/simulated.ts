/**
 * The simulated platform: core's SimNetwork on the process clock, with the
 * conditions of the config's `simulated.links`. Its default route is kept in
 * `<state>/simulated-route` like a kernel's routing table outlives the
 * agent, so a restarted or reloaded agent finds (and adopts) the uplink that
 * was active, as it would on a real router.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Adapter, type Clock } from '@wanwatch/core';
import { SimNetwork, seededRandom } from '@wanwatch/core/testing';
import type { AgentConfig } from '../config/load.js';
import type { Platform } from './index.js';

/** The file that holds the simulated default route. */
export const SIMULATED_ROUTE_FILE = 'simulated-route';

function readRoute(file: string, known: ReadonlySet<string>): string | null | undefined {
  try {
    const route: unknown = (JSON.parse(readFileSync(file, 'utf8')) as { route?: unknown }).route;
    return typeof route === 'string' && known.has(route) ? route : null;
  } catch {
    return undefined; // none yet (or unreadable): the config's initialRoute applies
  }
}

/** The simulated platform, and its network for tests that drive it. */
export function simulatedPlatform(config: AgentConfig, clock: Clock = systemClock): Platform & { network: SimNetwork } {
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
  return { adapter, probe: network.probe, network };
}
