/**
 * The command service: every operator command, independent of transport.
 * The Unix socket and the HTTP API both call `handle`: one implementation
 * of every command. It never throws: every failure is a response with a
 * stable code (core's `E_*` codes, or `E_BAD_REQUEST`, `E_STOPPED`).
 */
import { WanwatchError, describeError, type Engine, type EngineStatus, type SwitchOutcome } from '@wanwatch/core';
import { ConfigFileError } from '../config/issues.js';
import { COMMANDS, ControlError, type ControlRequest, type ControlResponse, type WireError } from './protocol.js';

/** About the agent process, for `status`. */
export interface AgentInfo {
  readonly pid: number;
  readonly version: string;
  readonly config: string;
  readonly platform: string;
  readonly startedAt: number;
  readonly reloadedAt: number | null;
}

/** What the service drives: the running engine (null while starting or reloading) and a reload. */
export interface EngineHost {
  engine(): Engine | null;
  info(): AgentInfo;
  /** Reloads the config; rejects with a `ConfigFileError` when the new file is refused. */
  reload(): Promise<void>;
}

/** `status`'s result: the engine's status and the agent's. */
export interface StatusResult extends EngineStatus {
  readonly agent: AgentInfo;
}

/** The result of a command that may switch. */
export interface SwitchResult {
  readonly switched: boolean;
  readonly from?: string | null;
  readonly to?: string;
  readonly reason?: string;
  readonly durationMs?: number;
}

function switchResult(outcome: SwitchOutcome | null): SwitchResult {
  if (outcome === null) return { switched: false };
  const e = outcome.event;
  if (!outcome.ok)
    throw new WanwatchError(
      outcome.event.error.code,
      `switch to ${e.to} failed at ${outcome.event.step}: ${outcome.event.error.message}`,
      {
        uplink: e.to,
      },
    );
  return { switched: true, from: e.from, to: e.to, reason: e.reason, durationMs: e.durationMs };
}

const text = (args: Readonly<Record<string, unknown>>, key: string, required: boolean): string | undefined => {
  const v = args[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || v === '')
    throw new ControlError('E_BAD_REQUEST', `argument "${key}" must be an uplink name`);
  return v;
};

const count = (args: Readonly<Record<string, unknown>>, key: string): number | undefined => {
  const v = args[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ControlError('E_BAD_REQUEST', `argument "${key}" must be a non-negative number`);
  return v;
};

/** Turns any thrown value into a wire error. */
export function toWireError(err: unknown): WireError {
  if (err instanceof ConfigFileError) return { code: err.code, message: 'the config has errors', issues: err.lines() };
  if (err instanceof WanwatchError || err instanceof ControlError) return { code: err.code, message: err.message };
  return { code: 'E_INTERNAL', message: describeError(err) };
}

/**
 * Operator commands over any transport.
 *
 * @example
 * ```ts
 * const service = new ControlService(host);
 * const response = await service.handle({ id: 1, command: 'failover', args: { to: 'lte' } });
 * ```
 */
export class ControlService {
  constructor(private readonly host: EngineHost) {}

  private engine(): Engine {
    const engine = this.host.engine();
    if (!engine) throw new ControlError('E_STOPPED', 'the engine is starting or reloading; try again');
    return engine;
  }

  /** Runs one command; throws on failure. */
  async execute(command: string, args: Readonly<Record<string, unknown>> = {}): Promise<unknown> {
    switch (command) {
      case 'status':
        return { ...this.engine().status(), agent: this.host.info() } satisfies StatusResult;
      case 'uplink': {
        const id = text(args, 'uplink', true)!;
        const st = this.engine().status();
        const found = st.uplinks.find((u) => u.id === id);
        if (!found)
          throw new WanwatchError(
            'E_UNKNOWN_UPLINK',
            `no uplink named "${id}" (known: ${st.uplinks.map((u) => u.id).join(', ')})`,
            { uplink: id },
          );
        return { ...found, pendingFailback: st.pendingFailback?.uplink === id ? st.pendingFailback : null };
      }
      case 'failover': {
        const to = text(args, 'to', true)!;
        return switchResult(await this.engine().failover(to));
      }
      case 'failback':
        return switchResult(await this.engine().failback());
      case 'hold': {
        const uplink = text(args, 'uplink', true)!;
        return switchResult(await this.engine().hold(uplink));
      }
      case 'release': {
        const uplink = text(args, 'uplink', false);
        await this.engine().release(uplink);
        return { released: uplink ?? 'all' };
      }
      case 'forbid': {
        const uplink = text(args, 'uplink', true)!;
        await this.engine().forbid(uplink);
        return { forbidden: uplink, active: this.engine().status().active };
      }
      case 'history': {
        const query = { since: count(args, 'since'), limit: count(args, 'limit') };
        return this.engine().history(query);
      }
      case 'reload':
        await this.host.reload();
        return { reloaded: true, active: this.host.engine()?.status().active ?? null };
      default:
        throw new ControlError('E_BAD_REQUEST', `unknown command "${command}" (known: ${COMMANDS.join(', ')})`);
    }
  }

  /** Runs one request; never throws. */
  async handle(request: ControlRequest): Promise<ControlResponse> {
    try {
      if (typeof request.command !== 'string') throw new ControlError('E_BAD_REQUEST', 'request has no command');
      const args = request.args ?? {};
      if (typeof args !== 'object' || args === null || Array.isArray(args))
        throw new ControlError('E_BAD_REQUEST', 'args must be an object');
      return { id: request.id, ok: true, result: await this.execute(request.command, args) };
    } catch (err) {
      return { id: request.id, ok: false, error: toWireError(err) };
    }
  }
}
