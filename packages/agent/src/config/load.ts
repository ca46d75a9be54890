/**
 * Reading a config file: YAML (with positions) → schema (types, units,
 * unknown keys, defaults) → the agent's own checks (targets, interfaces,
 * addresses, paths, hooks) → the engine's checks. Every problem of every
 * stage is reported in one {@link ConfigFileError}, each with its file,
 * line, column and path.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import type { LinkConditions } from '@wanwatch/core/testing';
import type { Document, LineCounter } from 'yaml';
import type { HistoryRotation, Settings, Uplink } from '@wanwatch/core';
import { DEFAULT_HISTORY_ROTATION, describeError } from '@wanwatch/core';
import { checkWithCore } from './core-issues.js';
import { Converter, isRaw, settingsInput, uplinkInput } from './convert.js';
import { haSection, type HaSection } from './ha.js';
import { ConfigFileError, type LocatedIssue, type PathIssue } from './issues.js';
import { formatPath, positionOf, type ConfigPath } from './positions.js';
import { HTTP_DEFAULTS, parseListen, type HttpSettings } from '../http/settings.js';
import { tokenFileProblem } from '../http/token.js';
import { WEBHOOK_DEFAULTS, type WebhookSettings } from '../notify/webhooks.js';
import type { AgentEventType } from '../events/hub.js';
import { schemaIssues } from './schema-issues.js';
import { readYaml } from './yaml.js';
import { opnsenseSection, type OpnsenseSection } from './opnsense.js';
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
  /** `webhooks`, their secrets read. */
  readonly webhooks: readonly WebhookSettings[];
  /** `control.http`; null: the HTTP API is off. */
  readonly http: HttpSettings | null;
  readonly stateDir: string;
  /** How history.jsonl is rotated. */
  readonly history: HistoryRotation;
  readonly log: {
    readonly level: LogLevel;
    readonly format: 'text' | 'json';
    readonly file: string | null;
    readonly summaryMs: number;
  };
  readonly linux: LinuxSection;
  readonly opnsense: OpnsenseSection;
  /** The IPFire adapter's options (platform ipfire). */
  readonly ipfire: IpfireSection;
  readonly simulated: SimulatedSection;
  /** High availability with keepalived; null = standalone (always master). */
  readonly ha: HaSection | null;
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

function httpSection(c: Converter, raw: unknown): HttpSettings | null {
  if (!isRaw(raw)) return null;
  const at = ['control', 'http'];
  const listenText = c.str(raw.listen) ?? HTTP_DEFAULTS.listen;
  const listen = parseListen(listenText);
  if (!listen)
    c.issue([...at, 'listen'], `must be address:port (127.0.0.1:8686, [::1]:8686), got ${JSON.stringify(listenText)}`);
  const tokenFile = c.absolutePath(raw.tokenFile ?? HTTP_DEFAULTS.tokenFile, [...at, 'tokenFile']);
  const problem = tokenFile === null ? null : tokenFileProblem(tokenFile);
  if (problem !== null) c.issue([...at, 'tokenFile'], problem);
  const perMinute = c.int(raw.changesPerMinute) ?? HTTP_DEFAULTS.changesPerMinute;
  if (perMinute < 1 || perMinute > 600) c.issue([...at, 'changesPerMinute'], `must be from 1 to 600, got ${perMinute}`);
  const maxBody = c.int(raw.maxBody) ?? HTTP_DEFAULTS.maxBodyBytes;
  if (maxBody < 256 || maxBody > 1024 * 1024)
    c.issue([...at, 'maxBody'], `must be from 256 to 1048576, got ${maxBody}`);
  return {
    host: listen?.host ?? '127.0.0.1',
    port: listen?.port ?? 8686,
    tokenFile: tokenFile ?? HTTP_DEFAULTS.tokenFile,
    readToken: raw.readToken === true,
    changesPerMinute: perMinute,
    maxBodyBytes: maxBody,
    allowedHosts: Array.isArray(raw.allowedHosts)
      ? raw.allowedHosts.filter((h): h is string => typeof h === 'string').map((h) => h.toLowerCase())
      : [],
  };
}

function webhooksSection(c: Converter, raw: unknown): WebhookSettings[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((hook: unknown, i): WebhookSettings[] => {
    if (!isRaw(hook)) return [];
    const at = ['webhooks', i];
    const url = c.str(hook.url);
    let parsed: URL | null = null;
    try {
      parsed = url === undefined ? null : new URL(url);
    } catch {
      // reported below
    }
    if (url !== undefined && (!parsed || !/^https?:$/.test(parsed.protocol)))
      c.issue([...at, 'url'], `must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
    const secretFile = c.absolutePath(hook.secretFile, [...at, 'secretFile']);
    const problem = secretFile === null ? null : tokenFileProblem(secretFile);
    if (problem !== null) c.issue([...at, 'secretFile'], problem);
    const secret = secretFile !== null && problem === null ? readFileSync(secretFile, 'utf8').trim() : '';
    const events = Array.isArray(hook.events) ? (hook.events as AgentEventType[]) : [...WEBHOOK_DEFAULTS.events];
    const timeoutMs = c.ms(hook.timeout, [...at, 'timeout']) ?? WEBHOOK_DEFAULTS.timeoutMs;
    return url === undefined ? [] : [{ url, secret, events, timeoutMs }];
  });
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
  const { doc, counter, value: raw } = readYaml(text, file);
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
  const history = isRaw(data.history) ? data.history : {};
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
    http: httpSection(c, control.http),
    webhooks: webhooksSection(c, data.webhooks),
    stateDir: c.absolutePath(data.state, ['state']) ?? A.stateDir,
    history: {
      maxBytes: c.int(history.maxBytes) ?? DEFAULT_HISTORY_ROTATION.maxBytes,
      files: c.int(history.files) ?? DEFAULT_HISTORY_ROTATION.files,
    },
    log: {
      level: c.str<LogLevel>(log.level) ?? A.log.level,
      format: c.str<'text' | 'json'>(log.format) ?? A.log.format,
      file: c.absolutePath(log.file, ['log', 'file']),
      summaryMs: c.ms(log.summary, ['log', 'summary']) ?? A.log.summaryMs,
    },
    linux: linuxSection(c, isRaw(data.linux) ? data.linux : {}, names),
    opnsense: opnsenseSection(c, isRaw(data.opnsense) ? data.opnsense : {}, names),
    ipfire: ipfireSection(c, isRaw(data.ipfire) ? data.ipfire : {}, names, data.platform === 'ipfire'),
    simulated: simulatedSection(c, isRaw(data.simulated) ? data.simulated : {}, names),
  };
  const ha = haSection(c, data.ha, partial.platform);
  if (partial.icmp.payloadBytes < 4 || partial.icmp.payloadBytes > 1472)
    c.issue(['probe', 'icmp', 'payloadBytes'], `must be from 4 to 1472, got ${partial.icmp.payloadBytes}`);
  if (partial.history.maxBytes < 4096)
    c.issue(['history', 'maxBytes'], `must be at least 4096, got ${partial.history.maxBytes}`);
  if (partial.history.files < 0 || partial.history.files > 100)
    c.issue(['history', 'files'], `must be from 0 to 100, got ${partial.history.files}`);
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
  return { file, ...partial, ha, uplinks, settings: core.settings, effective };
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
