/**
 * @wanwatch/agent — the `wanwatch` daemon and CLI: the YAML config and its
 * schema, the platform factory, logging, hooks, the control service and its
 * Unix socket transport. The CLI is `dist/cli/main.js`; this module exports
 * the pieces for embedding, for tests and for the HTTP API of a later release.
 */
export * from './config/index.js';
export {
  createPlatform,
  linuxAdapterOptions,
  platformProbe,
  type Platform,
  type PlatformDeps,
  type PlatformLogger,
} from './platform/index.js';
export { simulatedPlatform, SIMULATED_ROUTE_FILE } from './platform/simulated.js';
export { opnsenseAdapterOptions, opnsensePlatform } from './platform/opnsense.js';
export { ExecHookRunner, type HookFiles } from './hooks.js';
export {
  createLogger,
  reconfigureLogger,
  LEVELS,
  type AgentLogger,
  type LogOutput,
  type LogSettings,
} from './logging/logger.js';
export { logEngine, describeMetrics } from './logging/engine-log.js';
export * from './control/protocol.js';
export {
  ControlService,
  toWireError,
  type AgentInfo,
  type EngineHost,
  type StatusResult,
  type SwitchResult,
} from './control/service.js';
export { listenControl, type ControlServer } from './control/server.js';
export { request, CLIENT_TIMEOUT_MS } from './control/client.js';
export { Daemon } from './daemon.js';
export { AgentStateStore } from './state-store.js';
export { runDemo, type DemoOutput } from './demo/demo.js';
export { VirtualClock } from './demo/virtual-clock.js';
export { VERSION } from './version.js';
