/** Command-line parsing, and the CLI's errors and exit codes. */
import { parseArgs } from 'node:util';

/**
 * Exit codes.
 * - 0: done.
 * - 1: the command failed (the agent refused it, a switch failed, the daemon could not start).
 * - 2: the config is invalid (one line per problem on stderr).
 * - 3: no agent answers on the control socket.
 * - 64: the command line is wrong (EX_USAGE).
 */
export const EXIT = { ok: 0, failed: 1, config: 2, noAgent: 3, usage: 64 } as const;

/** An error the CLI reports as one line and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  socket: { type: 'string', short: 's' },
  json: { type: 'boolean' },
  to: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** Parsed command line. */
export interface Parsed {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly values: Partial<Record<OptionName, string | boolean>>;
}

export function parse(argv: readonly string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    return { command: positionals[0], positionals: positionals.slice(1), values };
  } catch (err) {
    throw new CliError(`${(err as Error).message.split('\n')[0]} (see wanwatch --help)`, EXIT.usage);
  }
}

/** Refuses options a command does not take, and a wrong number of arguments. */
export function expect(
  p: Parsed,
  allowed: readonly OptionName[],
  args: { min: number; max: number; names: string },
): void {
  for (const key of Object.keys(p.values) as OptionName[])
    if (!allowed.includes(key) && key !== 'help')
      throw new CliError(
        `wanwatch ${p.command}: option --${key} does not apply here (see wanwatch --help)`,
        EXIT.usage,
      );
  if (p.positionals.length < args.min || p.positionals.length > args.max)
    throw new CliError(`usage: wanwatch ${p.command} ${args.names}`.trimEnd(), EXIT.usage);
}

export const USAGE = `usage: wanwatch <command> [options]

daemon
  run [-c FILE]                    run the agent (SIGHUP reloads, SIGTERM stops)
  check-config [-c FILE] [--json]  validate a config and print it with every default

control (talk to the running agent; -s SOCKET or -c FILE picks the socket)
  status [--json]                  uplinks: state, RTT, loss, jitter, penalty, active, pending failback
  failover --to UPLINK             switch to UPLINK now
  failback                         return to the best better uplink now
  hold UPLINK                      prefer UPLINK above every priority until released
  forbid UPLINK                    never use UPLINK until released
  release [UPLINK]                 release UPLINK's hold or forbid, or every one
  history [--since 24h] [--limit N] [--json]   what happened (read from the state directory when the agent is down)
  reload                           reload the config (as SIGHUP does)

other
  demo                             the engine on simulated uplinks, in virtual time
  --version, --help

options
  -c, --config FILE   config file (default /etc/wanwatch/wanwatch.yaml)
  -s, --socket PATH   control socket (default: the config's control.socket, else /run/wanwatch.sock)

exit codes: 0 done, 1 failed, 2 invalid config, 3 no agent running, 64 bad command line`;
