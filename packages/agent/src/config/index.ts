export {
  loadConfig,
  parseConfig,
  type AgentConfig,
  type LinuxSection,
  type SimulatedSection,
  type SimulatedLink,
} from './load.js';
export { OPNSENSE_SECTION_SCHEMA, type OpnsenseSection } from './opnsense.js';
export { ConfigFileError, formatIssue, type LocatedIssue } from './issues.js';
export { AGENT_DEFAULTS, CONFIG_SCHEMA, LOG_LEVELS, PLATFORMS, type LogLevel, type PlatformName } from './schema.js';
export { expandTargets, parseProbeMethod, type ExpandedTarget, type ProbeMethod } from './targets.js';
export { formatDuration, formatPercent, parseDuration, parsePercent } from './units.js';
