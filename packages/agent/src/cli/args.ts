/** Command-line parsing, and the CLI's errors and exit codes. */
import { parseArgs } from 'node:util';

/**
 * Exit codes (the table `wanwatch help` and the man page print is
 * {@link EXIT_CODES}).
 */
export const EXIT = { ok: 0, failed: 1, config: 2, noAgent: 3, denied: 4, usage: 64 } as const;

/** What each exit code means, for scripts. */
export const EXIT_CODES: readonly (readonly [number, string])[] = [
  [EXIT.ok, 'done'],
  [
    EXIT.failed,
    'the command failed: the agent refused it (unknown or forbidden uplink, no better uplink…), a switch failed, or the daemon could not start (another agent owns the socket, the HTTP address is taken)',
  ],
  [
    EXIT.config,
    'the agent cannot run as configured: the config is invalid (one file:line:col: path: message line per problem), or `run` lacks the privileges its platform needs (not root, no CAP_NET_ADMIN / CAP_NET_RAW)',
  ],
  [EXIT.noAgent, 'no agent answers on the control socket (none is running there)'],
  [EXIT.denied, 'permission denied on the control socket (it is root-only): an agent may well be running'],
  [EXIT.usage, 'the command line is wrong (unknown command or option, missing or extra argument)'],
];

/** An error the CLI reports as one line (or one per problem) and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Stable code for `--json` (`E_USAGE`, `E_NO_AGENT`, the agent's own codes…). */
    readonly code: string = exitCode === EXIT.usage ? 'E_USAGE' : 'E_FAILED',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Every option of every command; each command says which it takes (cli/table.ts). */
export const OPTIONS = {
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

/** Whether the raw command line asks for JSON (known even when it does not parse). */
export const wantsJson = (argv: readonly string[]): boolean => argv.includes('--json');

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
    const command = argv.find((a) => !a.startsWith('-'));
    const see = command === undefined ? 'wanwatch help' : `wanwatch help ${command}`;
    throw new CliError(`${(err as Error).message.split('\n')[0]} (see ${see})`, EXIT.usage);
  }
}
