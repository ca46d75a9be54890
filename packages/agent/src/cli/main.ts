#!/usr/bin/env node
/**
 * The `wanwatch` command. Every failure ends as one readable line per
 * problem on stderr (and, with `--json`, an error object on stdout) and a
 * documented exit code (args.ts), never a stack trace. The command table
 * (table.ts) loads a command's code only when it runs.
 */
import { describeError } from '@wanwatch/core';
import { ConfigFileError } from '../config/issues.js';
import { CliError, EXIT, parse, wantsJson, type OptionName, type Parsed } from './args.js';
import { commandHelp, overview, synopsis } from './help.js';
import { commandNamed, type CommandSpec } from './table.js';
import { HANDLERS } from './handlers.js';

/** The error as `--json` prints it on stdout. */
interface JsonError {
  readonly code: string;
  readonly message: string;
  readonly exitCode: number;
  readonly issues?: readonly { file: string; line: number; col: number; path: string; message: string }[];
}

function report(err: unknown, asJson: boolean): number {
  let error: JsonError;
  let lines: string[];
  if (err instanceof ConfigFileError) {
    lines = err.lines();
    error = { code: 'E_CONFIG', message: lines.join('\n'), exitCode: EXIT.config, issues: err.located };
  } else if (err instanceof CliError) {
    lines = err.message.split('\n').map((line) => {
      const bare = line.startsWith('usage:') || /^\S+:\d+:\d+: /.test(line);
      return `${bare ? '' : 'wanwatch: '}${line}`;
    });
    error = { code: err.code, message: err.message, exitCode: err.exitCode };
  } else {
    lines = [`wanwatch: ${describeError(err)}`];
    error = { code: 'E_FAILED', message: describeError(err), exitCode: EXIT.failed };
  }
  for (const line of lines) process.stderr.write(`${line}\n`);
  if (asJson) process.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
  return error.exitCode;
}

/** Refuses options `spec` does not take, and a wrong number of arguments. */
function check(p: Parsed, spec: CommandSpec): void {
  for (const key of Object.keys(p.values) as OptionName[])
    if (!spec.options.includes(key) && key !== 'help')
      throw new CliError(
        `wanwatch ${spec.name}: option --${key} does not apply (see wanwatch help ${spec.name})`,
        EXIT.usage,
      );
  if (p.positionals.length < spec.args.min || p.positionals.length > spec.args.max)
    throw new CliError(`usage: wanwatch ${synopsis(spec)}`, EXIT.usage);
}

async function main(p: Parsed): Promise<number> {
  if (p.command === undefined) {
    if (p.values.version === true) return main({ ...p, command: 'version', values: {} });
    process.stdout.write(`${overview()}\n`);
    return p.values.help === true ? EXIT.ok : EXIT.usage;
  }
  const spec = commandNamed(p.command);
  if (!spec) throw new CliError(`unknown command "${p.command}" (see wanwatch help)`, EXIT.usage);
  if (p.values.help === true) {
    process.stdout.write(`${commandHelp(spec)}\n`);
    return EXIT.ok;
  }
  check(p, spec);
  const load = HANDLERS[spec.name];
  if (!load) throw new Error(`command ${spec.name} has no handler`);
  return (await load())(p);
}

const argv = process.argv.slice(2);
const asJson = wantsJson(argv);
let daemon = false;

// A reader that went away (`wanwatch demo | head`) ends a one-shot command quietly; the daemon keeps running without its log.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      if (!daemon) process.exit(EXIT.ok);
      return;
    }
    process.exit(EXIT.failed);
  });

process.on('uncaughtException', (err) => {
  process.stderr.write(`wanwatch: internal error: ${describeError(err)}\n`);
  process.exit(EXIT.failed);
});
process.on('unhandledRejection', (err) => {
  process.stderr.write(`wanwatch: internal error: ${describeError(err)}\n`);
  process.exit(EXIT.failed);
});

let parsed: Parsed;
try {
  parsed = parse(argv);
  daemon = parsed.command === 'run';
} catch (err) {
  process.exit(report(err, asJson));
}
main(parsed).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(report(err, asJson)),
);
