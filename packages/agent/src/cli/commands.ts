/** What each CLI command does. Each returns the exit code. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileStateStore, type HistoryEntry } from '@wanwatch/core';
import { stringify } from 'yaml';
import { loadConfig, type AgentConfig } from '../config/load.js';
import { AGENT_DEFAULTS } from '../config/schema.js';
import { parseDuration } from '../config/units.js';
import { request } from '../control/client.js';
import { ControlError, type CommandName } from '../control/protocol.js';
import type { StatusResult, SwitchResult } from '../control/service.js';
import { Daemon } from '../daemon.js';
import { runDemo } from '../demo/demo.js';
import { CliError, EXIT, expect, type Parsed } from './args.js';
import { formatHistory, formatStatus } from './format.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`wanwatch: ${line}\n`);

function configFile(p: Parsed): string {
  return typeof p.values.config === 'string' ? p.values.config : AGENT_DEFAULTS.configFile;
}

/** The config the control commands read for the socket and state paths: -c, else the default file if present. */
function optionalConfig(p: Parsed): AgentConfig | null {
  if (typeof p.values.config === 'string') return loadConfig(p.values.config);
  return existsSync(AGENT_DEFAULTS.configFile) ? loadConfig(AGENT_DEFAULTS.configFile) : null;
}

function socketOf(p: Parsed): string {
  if (typeof p.values.socket === 'string') return p.values.socket;
  return optionalConfig(p)?.socket ?? AGENT_DEFAULTS.socket;
}

async function call(p: Parsed, command: CommandName, args: Record<string, unknown> = {}): Promise<unknown> {
  try {
    return await request(socketOf(p), command, args);
  } catch (err) {
    if (!(err instanceof ControlError)) throw err;
    if (err.issues) throw new CliError([...err.issues, `${command} refused: ${err.message}`].join('\n'), EXIT.config);
    const code = err.code === 'E_NO_AGENT' || err.code === 'E_PERMISSION' ? EXIT.noAgent : EXIT.failed;
    throw new CliError(err.message, code);
  }
}

const json = (value: unknown) => out(JSON.stringify(value, null, 2));

export async function checkConfig(p: Parsed): Promise<number> {
  expect(p, ['config', 'json'], { min: 0, max: 0, names: '[-c FILE] [--json]' });
  const config = loadConfig(configFile(p));
  const resolved = config.uplinks.map((u) => ({ name: u.id, priority: u.priority, targets: u.targets }));
  if (p.values.json === true) {
    json({ file: config.file, config: config.effective, uplinks: resolved, settings: config.settings });
    return EXIT.ok;
  }
  out(`# ${config.file}: valid. Effective config, every default filled in:`);
  process.stdout.write(stringify(config.effective, { lineWidth: 0 }));
  out('# probe targets after expansion:');
  for (const u of resolved) out(`#   ${u.name} (priority ${u.priority}): ${u.targets.join(', ')}`);
  return EXIT.ok;
}

export async function run(p: Parsed): Promise<number> {
  expect(p, ['config'], { min: 0, max: 0, names: '[-c FILE]' });
  // Signals are caught from the first moment: a SIGHUP during start-up must not kill the agent.
  let daemon: Daemon | null = null;
  let pendingReload = false;
  let stopSignal: string | null = null;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const stop = (signal: string) => {
    if (stopSignal !== null) return;
    stopSignal = signal;
    if (!daemon) return; // handled once start-up ends
    daemon.log.notice(`${signal} received`);
    const d = daemon;
    d.stop().then(
      () => d.closeLog().then(() => finish(EXIT.ok)),
      (err: unknown) => {
        note(`stopping failed: ${(err as Error).message}`);
        finish(EXIT.failed);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    if (daemon) void daemon.reload().catch(() => undefined);
    else pendingReload = true;
  });
  try {
    daemon = await Daemon.start(configFile(p), { stream: process.stdout });
  } catch (err) {
    if (err instanceof ControlError) throw new CliError(err.message, EXIT.failed);
    throw err;
  }
  const signal = stopSignal as string | null;
  if (signal !== null) {
    stopSignal = null;
    stop(signal);
  } else if (pendingReload) void daemon.reload().catch(() => undefined);
  return done;
}

export async function status(p: Parsed): Promise<number> {
  expect(p, ['config', 'socket', 'json'], { min: 0, max: 0, names: '[--json]' });
  const st = (await call(p, 'status')) as StatusResult;
  if (p.values.json === true) json(st);
  else for (const line of formatStatus(st)) out(line);
  return EXIT.ok;
}

function switched(r: SwitchResult, what: string): void {
  out(
    r.switched
      ? `switched ${r.from ?? 'none'} → ${r.to} (${r.reason}) in ${r.durationMs} ms`
      : `${what}: no switch needed`,
  );
}

export async function failover(p: Parsed): Promise<number> {
  expect(p, ['config', 'socket', 'to'], { min: 0, max: 0, names: '--to UPLINK' });
  if (typeof p.values.to !== 'string') throw new CliError('usage: wanwatch failover --to UPLINK', EXIT.usage);
  switched((await call(p, 'failover', { to: p.values.to })) as SwitchResult, `${p.values.to} is already active`);
  return EXIT.ok;
}

export async function failback(p: Parsed): Promise<number> {
  expect(p, ['config', 'socket'], { min: 0, max: 0, names: '' });
  switched((await call(p, 'failback')) as SwitchResult, 'failback');
  return EXIT.ok;
}

export async function hold(p: Parsed): Promise<number> {
  expect(p, ['config', 'socket'], { min: 1, max: 1, names: 'UPLINK' });
  const uplink = p.positionals[0]!;
  const r = (await call(p, 'hold', { uplink })) as SwitchResult;
  out(`${uplink} is held (preferred above every priority until released)`);
  if (r.switched) switched(r, 'hold');
  return EXIT.ok;
}

export async function forbid(p: Parsed): Promise<number> {
  expect(p, ['config', 'socket'], { min: 1, max: 1, names: 'UPLINK' });
  const r = (await call(p, 'forbid', { uplink: p.positionals[0] })) as { active: string | null };
  out(`${p.positionals[0]} is forbidden until released; active: ${r.active ?? 'none'}`);
  return EXIT.ok;
}

export async function release(p: Parsed): Promise<number> {
  expect(p, ['config', 'socket'], { min: 0, max: 1, names: '[UPLINK]' });
  const uplink = p.positionals[0];
  await call(p, 'release', uplink === undefined ? {} : { uplink });
  out(uplink === undefined ? 'every hold and forbid released' : `${uplink} released`);
  return EXIT.ok;
}

export async function reload(p: Parsed): Promise<number> {
  expect(p, ['config', 'socket'], { min: 0, max: 0, names: '' });
  const r = (await call(p, 'reload')) as { active: string | null };
  out(`config reloaded; active uplink: ${r.active ?? 'none'}`);
  return EXIT.ok;
}

function historyQuery(p: Parsed): { since?: number; limit?: number } {
  const query: { since?: number; limit?: number } = {};
  if (typeof p.values.since === 'string') {
    const ago = parseDuration(p.values.since);
    const at = ago === null ? Date.parse(p.values.since) : Date.now() - ago;
    if (Number.isNaN(at))
      throw new CliError(`--since must be a duration (24h, 15m) or a date, got "${p.values.since}"`, EXIT.usage);
    query.since = at;
  }
  if (typeof p.values.limit === 'string') {
    if (!/^\d+$/.test(p.values.limit))
      throw new CliError(`--limit must be a whole number, got "${p.values.limit}"`, EXIT.usage);
    query.limit = Number(p.values.limit);
  }
  return query;
}

export async function history(p: Parsed): Promise<number> {
  expect(p, ['config', 'socket', 'json', 'since', 'limit'], {
    min: 0,
    max: 0,
    names: '[--since 24h] [--limit N] [--json]',
  });
  const query = historyQuery(p);
  let entries: HistoryEntry[];
  try {
    entries = (await call(p, 'history', query)) as HistoryEntry[];
  } catch (err) {
    if (!(err instanceof CliError) || err.exitCode !== EXIT.noAgent) throw err;
    const config = optionalConfig(p);
    const dir = config?.stateDir ?? AGENT_DEFAULTS.stateDir;
    note(`${err.message}; reading ${join(dir, 'history.jsonl')} and its rotated files`);
    entries = await new FileStateStore(dir, Date.now, config?.history).history(query);
  }
  if (p.values.json === true) json(entries);
  else for (const line of formatHistory(entries)) out(line);
  return EXIT.ok;
}

export async function demo(p: Parsed): Promise<number> {
  expect(p, [], { min: 0, max: 0, names: '' });
  await runDemo((line) => out(line));
  return EXIT.ok;
}
