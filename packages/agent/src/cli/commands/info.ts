/** The commands about the CLI itself: version, help, completion, man, and the completions' helper. */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { AGENT_DEFAULTS } from '../../config/schema.js';
import { VERSION } from '../../version.js';
import { CliError, EXIT, type Parsed } from '../args.js';
import { bashCompletion, manPage, zshCompletion } from '../docs.js';
import { commandHelp, overview } from '../help.js';
import { json, out } from '../output.js';
import { commandNamed } from '../table.js';

export async function version(p: Parsed): Promise<number> {
  if (p.values.json === true) json({ version: VERSION, node: process.version });
  else out(`wanwatch ${VERSION}`);
  return EXIT.ok;
}

export async function help(p: Parsed): Promise<number> {
  const name = p.positionals[0];
  if (name === undefined) {
    out(overview());
    return EXIT.ok;
  }
  const spec = commandNamed(name);
  if (!spec || spec.hidden) throw new CliError(`no command "${name}" (see wanwatch help)`, EXIT.usage);
  out(commandHelp(spec));
  return EXIT.ok;
}

export async function completion(p: Parsed): Promise<number> {
  const shell = p.positionals[0];
  if (shell === 'bash') process.stdout.write(bashCompletion());
  else if (shell === 'zsh') process.stdout.write(zshCompletion());
  else throw new CliError(`completion: no script for "${shell}" (bash or zsh)`, EXIT.usage);
  return EXIT.ok;
}

export async function man(): Promise<number> {
  process.stdout.write(manPage(VERSION));
  return EXIT.ok;
}

/** The uplink names of the config (-c or the default), one a line; nothing at all when it cannot be read. */
export async function uplinkNames(p: Parsed): Promise<number> {
  const file = typeof p.values.config === 'string' ? p.values.config : AGENT_DEFAULTS.configFile;
  try {
    if (!existsSync(file)) return EXIT.ok;
    const raw = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 100 }) as { uplinks?: unknown };
    if (!Array.isArray(raw?.uplinks)) return EXIT.ok;
    for (const u of raw.uplinks as unknown[])
      if (u && typeof u === 'object' && typeof (u as { name?: unknown }).name === 'string')
        out((u as { name: string }).name);
  } catch {
    // completion must never print an error into the command line being typed
  }
  return EXIT.ok;
}
