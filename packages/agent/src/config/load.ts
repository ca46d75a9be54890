/**
 * Reading a config file: YAML (with positions) → schema (types, units,
 * unknown keys, defaults) → the agent's own checks (targets, interfaces,
 * addresses, paths, hooks) → the engine's checks. Every problem of every
 * stage is reported in one {@link ConfigFileError}, each with its file,
 * line, column and path.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import type { LinkConditions } from '@wanwatch/core/testing';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { Settings, Uplink } from '@wanwatch/core';
import { describeError } from '@wanwatch/core';
import { checkWithCore } from './core-issues.js';
import { Converter, isRaw, settingsInput, uplinkInput } from './convert.js';
import { ConfigFileError, type LocatedIssue, type PathIssue } from './issues.js';
import { formatPath, positionOf, type ConfigPath } from './positions.js';
import { schemaIssues } from './schema-issues.js';
import { ipfireIssues, ipfireSection, type IpfireSection } from './ipfire.js';
import { AGENT_DEFAULTS, CONFIG_SCHEMA, type LogLevel, type PlatformName } from './schema.js';

/** Options of the Linux adapter as the file gives them (mapped 1:1 to `LinuxAdapterOptions` in platform.ts). */
export interface LinuxSection {
  readonly tableBase?: number;
  readonly tables?: Readonly<Record<string, number>>;
  readonly rulePriority?: number;
  readonly metric?: number;
  readonly conntrack?: 'old-uplink' | 'off';
  readonly cleanupOnStop?: boolean;
  readonly commandTimeoutMs?: number;
}

/** Conditions of one simulated uplink. */
export type SimulatedLink = Partial<LinkConditions> & { readonly carrier?: 'up' | 'down' };

/** The simulated platform's section. */
export interface SimulatedSection {
  readonly seed: number;
  readonly activateDelayMs: number;
  readonly initialRoute: string | null;
  readonly links: Readonly<Record<string, SimulatedLink>>;
}

/** A valid config, ready to build an agent from. */
export interface AgentConfig {
  /** The file it was read from. */
  readonly file: string;
  readonly platform: PlatformName;
  /** The engine's uplinks, targets expanded. */
  readonly uplinks: readonly Uplink[];
  /** The engine's settings, resolved by core. */
  readonly settings: Settings;
  readonly icmp: {
    readonly backend: 'auto' | 'native' | 'system';
    readonly payloadBytes: number;
    readonly ttl: number;
  };
  readonly hooks: { readonly pre: string | null; readonly post: string | null };
  readonly socket: string;
  readonly stateDir: string;
  readonly log: {
    readonly level: LogLevel;
    readonly format: 'text' | 'json';
    readonly file: string | null;
    readonly summaryMs: number;
  };
  readonly linux: LinuxSection;
  /** The IPFire adapter's options (platform ipfire). */
  readonly ipfire: IpfireSection;
  readonly simulated: SimulatedSection;
  /** The file's content with every default filled in (what `check-config` prints). */
  readonly effective: Readonly<Record<string, unknown>>;
}

type Raw = Record<string, unknown>;

function hookFile(c: Converter, value: unknown, path: ConfigPath): string | null {
  const file = c.absolutePath(value, path);
  if (file === null) return null;
  try {
    if (!statSync(file).isFile()) throw new Error('not a regular file');
    accessSync(file, constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not executable' : describeError(err);
    c.issue(path, `${file} ${why}`);
  }
  return file;
}

function uplinkRefs(c: Converter, record: Raw, names: ReadonlySet<string>, at: ConfigPath): void {
  for (const key of Object.keys(record)) if (!names.has(key)) c.issue([...at, key], `no uplink is named "${key}"`);
}

function linuxSection(c: Converter, raw: Raw, names: ReadonlySet<string>): LinuxSection {
  const tables = isRaw(raw.tables) ? (raw.tables as Record<string, number>) : undefined;
  if (tables) uplinkRefs(c, tables, names, ['linux', 'tables']);
  const out: Record<string, unknown> = {
    tableBase: c.int(raw.tableBase),
    tables,
    rulePriority: c.int(raw.rulePriority),
    metric: c.int(raw.metric),
    conntrack: c.str(raw.conntrack),
    cleanupOnStop: typeof raw.cleanupOnStop === 'boolean' ? raw.cleanupOnStop : undefined,
    commandTimeoutMs: c.ms(raw.commandTimeout, ['linux', 'commandTimeout']),
  };
  for (const key of ['tableBase', 'rulePriority', 'metric'] as const) {
    const v = out[key];
    if (typeof v === 'number' && (v < 1 || v > 0xfffffffe)) c.issue(['linux', key], `must be from 1 to 4294967294`);
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

function simulatedSection(c: Converter, raw: Raw, names: ReadonlySet<string>): SimulatedSection {
  const links: Record<string, SimulatedLink> = {};
  const rawLinks = isRaw(raw.links) ? raw.links : {};
  uplinkRefs(c, rawLinks, names, ['simulated', 'links']);
  for (const [name, value] of Object.entries(rawLinks)) {
    if (!isRaw(value)) continue;
    const at = ['simulated', 'links', name];
    const link: Record<string, unknown> = {
      rttMs: c.ms(value.rtt, [...at, 'rtt']),
      jitterMs: c.ms(value.jitter, [...at, 'jitter']),
      lossPct: c.pct(value.loss, [...at, 'loss']),
      dead: value.dead,
      forwards: value.forwards,
      carrier: value.carrier,
    };
    links[name] = Object.fromEntries(Object.entries(link).filter(([, v]) => v !== undefined));
  }
  const route = typeof raw.initialRoute === 'string' ? raw.initialRoute : null;
  if (route !== null && !names.has(route)) c.issue(['simulated', 'initialRoute'], `no uplink is named "${route}"`);
  return {
    seed: c.int(raw.seed) ?? AGENT_DEFAULTS.simulated.seed,
    activateDelayMs:
      c.ms(raw.activateDelay, ['simulated', 'activateDelay']) ?? AGENT_DEFAULTS.simulated.activateDelayMs,
    initialRoute: route,
    links,
  };
}

function locate(file: string, doc: Document, counter: LineCounter, issues: readonly PathIssue[]): LocatedIssue[] {
  const seen = new Set<string>();
  const out: (LocatedIssue & { order: number })[] = [];
  for (const issue of issues) {
    const path = formatPath(issue.path);
    const key = `${path}\0${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { line, col } = positionOf(doc, counter, issue.path, issue.atKey);
    out.push({ file, line, col, path, message: issue.message, order: out.length });
  }
  out.sort((a, b) => a.line - b.line || a.col - b.col || a.order - b.order);
  return out.map(({ order: _, ...rest }) => rest);
}

/** Is `path` (or something below it) set in the file? */
function hasPath(doc: Document, path: ConfigPath): boolean {
  return doc.hasIn(path);
}

/**
 * Parses and validates config text. Throws a {@link ConfigFileError} listing
 * every problem with its position.
 *
 * @example
 * ```ts
 * const config = parseConfig(readFileSync(file, 'utf8'), file);
 * ```
 */
export function parseConfig(text: string, file: string): AgentConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigFileError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return { file, line: pos.line, col: pos.col, path: '(yaml)', message: e.message.split('\n')[0] ?? e.code };
      }),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  const issues: PathIssue[] = isRaw(raw)
    ? schemaIssues(raw)
    : [{ path: [], message: 'the file must be a mapping of keys (platform, probe, uplinks…)' }];
  const data: Raw = isRaw(raw) ? raw : {};
  const c = new Converter();
  const rawUplinks = Array.isArray(data.uplinks) ? data.uplinks.filter(isRaw) : [];
  const converted = rawUplinks.map((u, i) => uplinkInput(c, u, i));
  const names = new Set(converted.map((u) => u.uplink.id));
  const input = settingsInput(c, data);
  const hooks = isRaw(data.hooks) ? data.hooks : {};
  const control = isRaw(data.control) ? data.control : {};
  const log = isRaw(data.log) ? data.log : {};
  const icmp = isRaw(data.probe) && isRaw(data.probe.icmp) ? data.probe.icmp : {};
  // The schema filled every default in; the fallbacks below only stand in for values it refused.
  const A = AGENT_DEFAULTS;
  const partial = {
    platform: c.str<PlatformName>(data.platform) ?? A.platform,
    icmp: {
      backend: c.str<'auto' | 'native' | 'system'>(icmp.backend) ?? A.icmp.backend,
      payloadBytes: c.int(icmp.payloadBytes) ?? A.icmp.payloadBytes,
      ttl: c.int(icmp.ttl) ?? A.icmp.ttl,
    },
    hooks: { pre: hookFile(c, hooks.pre, ['hooks', 'pre']), post: hookFile(c, hooks.post, ['hooks', 'post']) },
    socket: c.absolutePath(control.socket, ['control', 'socket']) ?? A.socket,
    stateDir: c.absolutePath(data.state, ['state']) ?? A.stateDir,
    log: {
      level: c.str<LogLevel>(log.level) ?? A.log.level,
      format: c.str<'text' | 'json'>(log.format) ?? A.log.format,
      file: c.absolutePath(log.file, ['log', 'file']),
      summaryMs: c.ms(log.summary, ['log', 'summary']) ?? A.log.summaryMs,
    },
    linux: linuxSection(c, isRaw(data.linux) ? data.linux : {}, names),
    ipfire: ipfireSection(c, isRaw(data.ipfire) ? data.ipfire : {}, names, data.platform === 'ipfire'),
    simulated: simulatedSection(c, isRaw(data.simulated) ? data.simulated : {}, names),
  };
  if (partial.icmp.payloadBytes < 4 || partial.icmp.payloadBytes > 1472)
    c.issue(['probe', 'icmp', 'payloadBytes'], `must be from 4 to 1472, got ${partial.icmp.payloadBytes}`);
  if (partial.icmp.ttl < 1 || partial.icmp.ttl > 255) c.issue(['probe', 'icmp', 'ttl'], `must be from 1 to 255`);
  const uplinks = converted.map((u) => u.uplink);
  rawUplinks.forEach((u, i) => (u.priority ??= uplinks[i]?.priority));
  const core = checkWithCore(input, uplinks, {
    has: (path) => hasPath(doc, path),
    targetSources: (i) => converted[i]?.targetSources ?? [],
  });
  if (partial.platform === 'ipfire' && c.issues.length === 0 && issues.length === 0)
    for (const i of ipfireIssues(partial.ipfire, uplinks)) c.issue(i.path, i.message);
  const known = [...issues, ...c.issues];
  const related = (a: ConfigPath, b: ConfigPath) => a.every((p, i) => i >= b.length || p === b[i]);
  const fresh = core.issues.filter((ci) => !known.some((k) => related(k.path, ci.path)));
  const all = [...known, ...fresh];
  if (all.length > 0) throw new ConfigFileError(file, locate(file, doc, counter, all));
  // In the schema's order, so check-config reads like the reference.
  const order = Object.keys(CONFIG_SCHEMA.properties as Raw);
  const effective = Object.fromEntries(order.filter((k) => k in data).map((k) => [k, data[k]]));
  return { file, ...partial, uplinks, settings: core.settings, effective };
}

/** Reads and validates a config file; an unreadable file is a {@link ConfigFileError} too. */
export function loadConfig(file: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : describeError(err);
    throw new ConfigFileError(file, [{ file, line: 0, col: 0, path: '', message: `cannot read the config: ${why}` }]);
  }
  return parseConfig(text, file);
}
