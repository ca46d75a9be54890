/** The commands that talk to the running agent over its control socket. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileStateStore, type HistoryEntry } from '@wanwatch/core';
import { loadConfig, type AgentConfig } from '../../config/load.js';
import { AGENT_DEFAULTS } from '../../config/schema.js';
import { parseDuration } from '../../config/units.js';
import { request } from '../../control/client.js';
import { ControlError, type CommandName } from '../../control/protocol.js';
import type { StatusResult, SwitchResult } from '../../control/service.js';
import { CliError, EXIT, type Parsed } from '../args.js';
import { formatHistory, formatStatus } from '../format.js';
import { json, note, out } from '../output.js';

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
    if (err.issues)
      throw new CliError([...err.issues, `${command} refused: ${err.message}`].join('\n'), EXIT.config, err.code);
    const exit = err.code === 'E_NO_AGENT' ? EXIT.noAgent : err.code === 'E_PERMISSION' ? EXIT.denied : EXIT.failed;
    throw new CliError(err.message, exit, err.code);
  }
}

/** The uplink of `failover lte` / `failover --to lte` (the same thing); null when neither is given. */
function uplinkOf(p: Parsed): string | null {
  const positional = p.positionals[0];
  const to = typeof p.values.to === 'string' ? p.values.to : undefined;
  if (positional !== undefined && to !== undefined && positional !== to)
    throw new CliError(`wanwatch ${p.command}: two uplinks given (${positional} and --to ${to})`, EXIT.usage);
  return positional ?? to ?? null;
}

function requiredUplink(p: Parsed): string {
  const uplink = uplinkOf(p);
  if (uplink === null) throw new CliError(`usage: wanwatch ${p.command} UPLINK`, EXIT.usage);
  return uplink;
}

const asJson = (p: Parsed) => p.values.json === true;

function switched(p: Parsed, r: SwitchResult, what: string): void {
  if (asJson(p)) return json(r);
  out(
    r.switched
      ? `switched ${r.from ?? 'none'} → ${r.to} (${r.reason}) in ${r.durationMs} ms`
      : `${what}: no switch needed`,
  );
}

export async function status(p: Parsed): Promise<number> {
  const st = (await call(p, 'status')) as StatusResult;
  if (asJson(p)) json(st);
  else for (const line of formatStatus(st)) out(line);
  return EXIT.ok;
}

export async function failover(p: Parsed): Promise<number> {
  const to = requiredUplink(p);
  switched(p, (await call(p, 'failover', { to })) as SwitchResult, `${to} is already active`);
  return EXIT.ok;
}

export async function failback(p: Parsed): Promise<number> {
  switched(p, (await call(p, 'failback')) as SwitchResult, 'failback');
  return EXIT.ok;
}

export async function hold(p: Parsed): Promise<number> {
  const uplink = requiredUplink(p);
  const r = (await call(p, 'hold', { uplink })) as SwitchResult;
  if (asJson(p)) json(r);
  else {
    out(`${uplink} is held (preferred above every priority until released)`);
    if (r.switched) switched(p, r, 'hold');
  }
  return EXIT.ok;
}

export async function forbid(p: Parsed): Promise<number> {
  const uplink = requiredUplink(p);
  const r = (await call(p, 'forbid', { uplink })) as { active: string | null };
  if (asJson(p)) json(r);
  else out(`${uplink} is forbidden until released; active: ${r.active ?? 'none'}`);
  return EXIT.ok;
}

export async function release(p: Parsed): Promise<number> {
  const uplink = uplinkOf(p);
  const r = await call(p, 'release', uplink === null ? {} : { uplink });
  if (asJson(p)) json(r);
  else out(uplink === null ? 'every hold and forbid released' : `${uplink} released`);
  return EXIT.ok;
}

export async function reload(p: Parsed): Promise<number> {
  const r = (await call(p, 'reload')) as { active: string | null };
  if (asJson(p)) json(r);
  else out(`config reloaded; active uplink: ${r.active ?? 'none'}`);
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
  if (asJson(p)) json(entries);
  else for (const line of formatHistory(entries)) out(line);
  return EXIT.ok;
}
