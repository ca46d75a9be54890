/** Where the CLI writes: results on stdout, notes and errors on stderr. */

/** One line on stdout. */
export const out = (line = ''): void => void process.stdout.write(`${line}\n`);

/** One `wanwatch: …` line on stderr. */
export const note = (line: string): void => void process.stderr.write(`wanwatch: ${line}\n`);

/** A value as indented JSON on stdout (`--json`). */
export const json = (value: unknown): void => out(JSON.stringify(value, null, 2));
