export {
  loadConfig,
  parseConfig,
  type AgentConfig,
  type HaSection,
  type IpfireSection,
  type LinuxSection,
  type OpnsenseSection,
  type SimulatedSection,
  type SimulatedLink,
} from './load.js';
export { ConfigFileError, formatIssue, type LocatedIssue } from './issues.js';
export {
  AGENT_DEFAULTS,
  AGENT_LIMITS,
  CONFIG_SCHEMA,
  LOG_LEVELS,
  PLATFORMS,
  type LogLevel,
  type PlatformName,
} from './schema.js';
export type { Schema } from './schema-kit.js';
export { expandTargets, parseProbeMethod, type ExpandedTarget, type ProbeMethod } from './targets.js';
export { formatDuration, formatPercent, parseDuration, parsePercent } from './units.js';
