/**
 * Reading a config file: YAML (with positions) → the schema (types, units,
 * ranges, paths, device names, addresses, unknown keys, defaults: every
 * key's rules, declared once) → conversion to the engine's and the
 * adapters' shapes → the checks a schema cannot make (targets, uplink
 * names, hook and token files; each platform module's own) → the engine's
 * checks of how keys relate. Every problem of every stage is reported in
 * one {@link ConfigFileError}, each with its file, line, column and path.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import type { HistoryRotation, Settings, Uplink } from '@wanwatch/core';
import { describeError } from '@wanwatch/core';
import { checkWithCore } from './core-issues.js';
import { convert, isRaw, sectionOf, settingsInput, uplinkInput } from './convert.js';
import { ConfigFileError, type LocatedIssue, type PathIssue } from './issues.js';
import { formatPath, positionOf, type ConfigPath } from './positions.js';
import { parseListen, type HttpSettings } from '../http/settings.js';
import { tokenFileProblem } from '../http/token.js';
import type { WebhookSettings } from '../notify/webhooks.js';
import type { AgentEventType } from '../events/hub.js';
import type { IcmpSettings, SectionContext } from '../platform/platform.js';
import { PLATFORM_MODULES } from '../platform/modules.js';
import type { LinuxSections } from '../platform/linux.js';
import type { OpnsenseSections } from '../platform/opnsense.js';
import type { IpfireSections } from '../platform/ipfire.js';
import type { SimulatedSections } from '../platform/simulated.js';
import type { Schema } from './schema-kit.js';
import { validator } from './validate.js';
import { CONFIG_SCHEMA, type LogLevel, type PlatformName } from './schema.js';
import { readYaml } from './yaml.js';

export type { LinuxSection, HaSection } from '../platform/linux.js';
export type { OpnsenseSection } from '../platform/opnsense.js';
export type { IpfireSection } from '../platform/ipfire.js';
export type { SimulatedLink, SimulatedSection } from '../platform/simulated.js';

/** A valid config, ready to build an agent from. */
export interface AgentConfig extends LinuxSections, OpnsenseSections, IpfireSections, SimulatedSections {
  /** The file it was read from. */
  readonly file: string;
  readonly platform: PlatformName;
  /** The engine's uplinks, targets expanded. */
  readonly uplinks: readonly Uplink[];
  /** The engine's settings, resolved by core. */
  readonly settings: Settings;
  readonly icmp: IcmpSettings;
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
  /** The file's content with every default filled in (what `check-config` prints). */
  readonly effective: Readonly<Record<string, unknown>>;
}

type Raw = Record<string, unknown>;

const validate = validator(CONFIG_SCHEMA);

/** A hook must be an executable file (the schema has checked that the path is absolute). */
function hookFile(value: unknown, path: ConfigPath, issues: PathIssue[]): string | null {
  if (typeof value !== 'string' || !value.startsWith('/')) return null;
  try {
    if (!statSync(value).isFile()) throw new Error('not a regular file');
    accessSync(value, constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not executable' : describeError(err);
    issues.push({ path, message: `${value} ${why}` });
  }
  return value;
}

function httpSection(raw: unknown, issues: PathIssue[]): HttpSettings | null {
  if (!isRaw(raw)) return null;
  const at = ['control', 'http'];
  const h = raw as {
    listen: unknown;
    tokenFile: unknown;
    readToken: unknown;
    changesPerMinute: number;
    maxBodyBytes: number;
    allowedHosts: unknown;
  };
  const tokenFile = typeof h.tokenFile === 'string' ? h.tokenFile : '';
  const listen = typeof h.listen === 'string' ? parseListen(h.listen) : null;
  if (!listen)
    issues.push({
      path: [...at, 'listen'],
      message: `must be address:port (127.0.0.1:8686, [::1]:8686), got ${JSON.stringify(h.listen)}`,
    });
  const problem = tokenFile.startsWith('/') ? tokenFileProblem(tokenFile) : null;
  if (problem !== null) issues.push({ path: [...at, 'tokenFile'], message: problem });
  return {
    host: listen?.host ?? '127.0.0.1',
    port: listen?.port ?? 8686,
    tokenFile,
    readToken: h.readToken === true,
    changesPerMinute: h.changesPerMinute,
    maxBodyBytes: h.maxBodyBytes,
    allowedHosts: Array.isArray(h.allowedHosts)
      ? h.allowedHosts.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase())
      : [],
  };
}

function webhooksSection(raw: unknown, issues: PathIssue[]): WebhookSettings[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((hook: unknown, i): WebhookSettings[] => {
    if (!isRaw(hook)) return [];
    const at = ['webhooks', i];
    const { url, secretFile, events, timeoutMs } = hook as {
      url?: string;
      secretFile?: string;
      events: AgentEventType[];
      timeoutMs: number;
    };
    let parsed: URL | null = null;
    try {
      parsed = url === undefined ? null : new URL(url);
    } catch {
      // reported below
    }
    if (url !== undefined && (!parsed || !/^https?:$/.test(parsed.protocol)))
      issues.push({ path: [...at, 'url'], message: `must be an http:// or https:// URL, got ${JSON.stringify(url)}` });
    const usable = typeof secretFile === 'string' && secretFile.startsWith('/');
    const problem = usable ? tokenFileProblem(secretFile) : null;
    if (problem !== null) issues.push({ path: [...at, 'secretFile'], message: problem });
    const secret = usable && problem === null ? readFileSync(secretFile, 'utf8').trim() : '';
    return url === undefined ? [] : [{ url, secret, events, timeoutMs }];
  });
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
    ? validate(raw)
    : [{ path: [], message: 'the file must be a mapping of keys (platform, probe, uplinks…)' }];
  const data: Raw = isRaw(raw) ? raw : {};
  const effective = structuredClone(data);
  // The schema has filled every default in; what follows converts, and checks what a schema cannot.
  const properties = CONFIG_SCHEMA.properties as Record<string, Record<string, unknown>>;
  const rawUplinks = Array.isArray(data.uplinks) ? data.uplinks.filter(isRaw) : [];
  const converted = rawUplinks.map((u, i) => uplinkInput(properties.uplinks!.items as Schema, u, i, issues));
  const uplinks = converted.map((u) => u.uplink);
  const control = sectionOf(CONFIG_SCHEMA, data, 'control');
  const hooks = sectionOf(CONFIG_SCHEMA, data, 'hooks');
  const log = sectionOf(CONFIG_SCHEMA, data, 'log') as unknown as AgentConfig['log'];
  const platform = (typeof data.platform === 'string' ? data.platform : 'linux') as PlatformName;
  const common = {
    platform,
    icmp: sectionOf(CONFIG_SCHEMA, data, 'probe').icmp as IcmpSettings,
    hooks: {
      pre: hookFile(hooks.pre, ['hooks', 'pre'], issues),
      post: hookFile(hooks.post, ['hooks', 'post'], issues),
    },
    socket: control.socket as string,
    http: httpSection(control.http, issues),
    webhooks: webhooksSection(convert(properties.webhooks, data.webhooks), issues),
    stateDir: data.state as string,
    history: sectionOf(CONFIG_SCHEMA, data, 'history') as unknown as HistoryRotation,
    log,
  };
  const context: SectionContext = {
    uplinks,
    platform,
    clean: issues.length === 0,
    issue: (path, message) => issues.push({ path, message }),
  };
  const platforms = Object.assign(
    {},
    ...PLATFORM_MODULES.map((m) => {
      // A section the schema refused (null, a list…) reaches the module as absent.
      const sections = Object.fromEntries(
        Object.keys(m.schema).map((k) => [k, isRaw(data[k]) ? convert(properties[k], data[k]) : undefined]),
      );
      return m.section(sections, context);
    }),
  ) as LinuxSections & OpnsenseSections & IpfireSections & SimulatedSections;
  const core = checkWithCore(settingsInput(CONFIG_SCHEMA, data), uplinks, {
    schema: CONFIG_SCHEMA,
    has: (path) => doc.hasIn(path),
    targetSources: (i) => converted[i]?.targetSources ?? [],
  });
  const related = (a: ConfigPath, b: ConfigPath) => a.every((p, i) => i >= b.length || p === b[i]);
  const fresh = core.issues.filter((ci) => !issues.some((k) => related(k.path, ci.path)));
  const all = [...issues, ...fresh];
  if (all.length > 0) throw new ConfigFileError(file, locate(file, doc, counter, all));
  // In the schema's order, so check-config reads like the reference.
  for (const [i, u] of (Array.isArray(effective.uplinks) ? effective.uplinks : []).entries())
    if (isRaw(u)) u.priority ??= uplinks[i]?.priority;
  const order = Object.keys(properties);
  const shown = Object.fromEntries(order.filter((k) => k in effective).map((k) => [k, effective[k]]));
  return { file, ...common, ...platforms, uplinks, settings: core.settings, effective: shown };
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
