/**
 * @wanwatch/agent — the `wanwatch` daemon and CLI: the YAML config and its
 * schema, the platform factory, logging, hooks, the control service and its
 * Unix socket transport, the HTTP API with its status page, metrics and
 * webhooks. The CLI is `dist/cli/main.js`; this module exports the pieces
 * for embedding and for tests.
 */
export * from './config/index.js';
export {
  createPlatform,
  linuxAdapterOptions,
  platformProbe,
  type Platform,
  type PlatformContext,
  type PlatformDeps,
  type PlatformLogger,
  type PlatformModule,
} from './platform/index.js';
export { PLATFORM_MODULES } from './platform/modules.js';
export { simulatedPlatform, SIMULATED_ROUTE_FILE, type SimulatedPlatform } from './platform/simulated.js';
export { opnsenseAdapterOptions, opnsensePlatform, OPNSENSE_SECTION_SCHEMA } from './platform/opnsense.js';
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
export {
  EventHub,
  AGENT_EVENT_TYPES,
  EVENT_BUFFER,
  SAMPLE_MS,
  type AgentEvent,
  type AgentEventType,
} from './events/hub.js';
export {
  SampleHistory,
  parseSampleLines,
  COARSE_MS,
  FINE_MS,
  MAX_RANGE_MS,
  SAMPLES_FILE,
  type Sample,
  type SampleRange,
  type UplinkSample,
} from './events/samples.js';
export { listenHttp, type HttpDeps, type HttpServer, type MetricsSource } from './http/server.js';
export { HTTP_DEFAULTS, hostAllowed, parseListen, type HttpSettings } from './http/settings.js';
export { STATUS_OF_CODE } from './http/respond.js';
export { API, route, type Route } from './http/routes.js';
export { TokenFile, tokenFileProblem } from './http/token.js';
export { RateLimit } from './http/rate-limit.js';
export { AgentMetrics } from './metrics/metrics.js';
export {
  WebhookNotifier,
  WEBHOOK_DEFAULTS,
  signWebhook,
  type DeliveryAttempt,
  type WebhookLimits,
  type WebhookSettings,
} from './notify/webhooks.js';
export { AgentStateStore } from './state-store.js';
export { runDemo, type DemoOutput } from './demo/demo.js';
export { VirtualClock } from './demo/virtual-clock.js';
export { VERSION } from './version.js';
