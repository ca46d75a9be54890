/**
 * @wanwatch/core/sim — a simulated network of uplinks: a probe and an
 * adapter on the engine's clock, with per-uplink RTT, jitter, loss,
 * blackhole, silent targets, carrier and broken forwarding. Shipped code:
 * the agent's `simulated` platform and `wanwatch demo` run on it, and the
 * testing kit (`@wanwatch/core/testing`) re-exports it for tests.
 */
export {
  SimNetwork,
  HEALTHY,
  seededRandom,
  type LinkConditions,
  type ActivationRecord,
  type ActivationFault,
  type SimNetworkOptions,
} from './network.js';
