#!/usr/bin/env node
/**
 * The `wanwatch` command. Every failure ends as one readable line per
 * problem on stderr and a documented exit code (see args.ts), never a
 * stack trace.
 */
import { describeError } from '@wanwatch/core';
import { ConfigFileError } from '../config/issues.js';
import { VERSION } from '../version.js';
import { CliError, EXIT, USAGE, parse } from './args.js';
import * as commands from './commands.js';

const COMMANDS: Record<string, (p: ReturnType<typeof parse>) => Promise<number>> = {
  run: commands.run,
  'check-config': commands.checkConfig,
  status: commands.status,
  failover: commands.failover,
  failback: commands.failback,
  hold: commands.hold,
  forbid: commands.forbid,
  release: commands.release,
  history: commands.history,
  reload: commands.reload,
  demo: commands.demo,
};

function report(err: unknown): number {
  if (err instanceof ConfigFileError) {
    for (const line of err.lines()) process.stderr.write(`${line}\n`);
    return EXIT.config;
  }
  if (err instanceof CliError) {
    for (const line of err.message.split('\n')) {
      const bare = line.startsWith('usage:') || /^\S+:\d+:\d+: /.test(line);
      process.stderr.write(`${bare ? '' : 'wanwatch: '}${line}\n`);
    }
    return err.exitCode;
  }
  process.stderr.write(`wanwatch: ${describeError(err)}\n`);
  return EXIT.failed;
}

async function main(argv: readonly string[]): Promise<number> {
  const p = parse(argv);
  if (p.values.version === true) {
    process.stdout.write(`wanwatch ${VERSION}\n`);
    return EXIT.ok;
  }
  if (p.command === undefined || (p.values.help === true && !COMMANDS[p.command])) {
    process.stdout.write(`${USAGE}\n`);
    return p.command === undefined && p.values.help !== true ? EXIT.usage : EXIT.ok;
  }
  if (p.values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[p.command];
  if (!command) throw new CliError(`unknown command "${p.command}" (see wanwatch --help)`, EXIT.usage);
  return command(p);
}

process.on('uncaughtException', (err) => {
  process.stderr.write(`wanwatch: internal error: ${describeError(err)}\n`);
  process.exit(EXIT.failed);
});
process.on('unhandledRejection', (err) => {
  process.stderr.write(`wanwatch: internal error: ${describeError(err)}\n`);
  process.exit(EXIT.failed);
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => process.exit(report(err)),
);
