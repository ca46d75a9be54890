/**
 * A readhash file (`/var/ipfire/ethernet/settings`, `ppp/settings-N`) as
 * lines, edited the way every IPFire reader agrees on: lines wanwatch does
 * not set are kept byte for byte (comments, `_DESCRIPTION='"pci: …"'`,
 * passwords with symbols, CRLF, non-ASCII); a key that is set ends up on
 * exactly one line, in the safe form (`KEY=value`, or `KEY='value'` when it
 * has spaces); the text ends with a newline. A value that IPFire's shell
 * reader would drop or change is refused with a {@link ReadhashError} naming
 * the file, line and key, and every set is checked against the emulated
 * readers before it is accepted.
 */
import { WanwatchError } from '@wanwatch/core';
import {
  READERS,
  SAFE_QUOTED,
  SAFE_VALUE,
  readC,
  readFunctions,
  readPerl,
  readShell,
  readWith,
  sedKeyOf,
  type ReaderName,
} from './readers.js';

/** A key wanwatch writes: upper case, digits and `_`, not starting with a digit. */
export const WRITABLE_KEY = /^[A-Z_][A-Z0-9_]*$/;

/** A value or key that cannot be written so that every IPFire reader reads it back. */
export class ReadhashError extends WanwatchError {
  constructor(
    file: string,
    /** 1-based line the value was to go to. */
    readonly line: number,
    /** The key involved. */
    readonly key: string,
    why: string,
  ) {
    super('E_CONFIG', `${file}: line ${line}: ${key}: ${why}`, { file });
  }
}

/** Why a value cannot be written, or null when it can. */
export function unsafeValueReason(value: string): string | null {
  if (SAFE_VALUE.test(value)) return null;
  if (SAFE_QUOTED.test(value)) {
    if (!/ {2}/.test(value)) return null;
    return "the value contains a run of spaces, which IPFire's shell reader collapses to one space";
  }
  const bad = [...value].find((ch) => !SAFE_QUOTED.test(ch)) ?? '';
  const shown = bad === '\r' ? 'a carriage return' : bad === '\n' ? 'a line break' : JSON.stringify(bad);
  return (
    `the value contains ${shown}, which IPFire's shell reader (/usr/local/bin/readhash) drops silently` +
    ' (so the network scripts and connectd would not see it); refusing to write it'
  );
}

/** The line for `key=value`: unquoted, or quoted when the value has spaces (as `writehash` does). */
export function formatAssignment(key: string, value: string, file = '(settings)', line = 0): string {
  if (!WRITABLE_KEY.test(key))
    throw new ReadhashError(file, line, key, 'a key must be A-Z, 0-9 and _ and not start with a digit');
  const why = unsafeValueReason(value);
  if (why) throw new ReadhashError(file, line, key, why);
  return SAFE_VALUE.test(value) ? `${key}=${value}` : `${key}='${value}'`;
}

/** The key each reader would take from one line (undefined: none). */
function keysOfLine(line: string): Set<string> {
  const keys = new Set<string>();
  for (const reader of READERS) {
    const values = readWith(reader, `${line}\n`).values;
    for (const k of values?.keys() ?? []) keys.add(k);
  }
  // A line the shell reader would only run (`echo X;A=1`) still names A for it.
  const shellKey = sedKeyOf(line);
  if (shellKey) keys.add(shellKey);
  return keys;
}

/** How every reader reads one key. */
export type ReadersView = Readonly<Record<ReaderName, string | undefined>>;

/**
 * A readhash file.
 *
 * @example
 * ```ts
 * const doc = ReadhashDocument.parse(readFileSync(file, 'latin1'), file);
 * doc.set('RED_TYPE', 'DHCP').set('RED_DEV', 'red1');
 * writeFileSync(file, doc.toString(), 'latin1');
 * ```
 */
export class ReadhashDocument {
  private constructor(
    /** The file, for messages. */
    readonly file: string,
    private readonly lines: string[],
  ) {}

  /** Parses a text (a latin1 string: one char per byte). Never fails: unknown lines are kept as they are. */
  static parse(text: string, file = '(settings)'): ReadhashDocument {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return new ReadhashDocument(file, lines);
  }

  /** A document from key/value pairs, in order (each checked like {@link set}). */
  static from(entries: Iterable<readonly [string, string]>, file = '(settings)'): ReadhashDocument {
    const doc = new ReadhashDocument(file, []);
    for (const [k, v] of entries) doc.set(k, v);
    return doc;
  }

  /** The value as IPFire's web interface (Perl) reads it. */
  get(key: string): string | undefined {
    return readPerl(this.toString()).values?.get(key);
  }

  /** The value as the network scripts and connectd (`eval $(readhash …)`) read it. */
  shellValue(key: string): string | undefined {
    return readShell(this.toString()).values?.get(key);
  }

  /** How each reader reads `key`. */
  view(key: string): ReadersView {
    const text = this.toString();
    return {
      shell: readShell(text).values?.get(key),
      perl: readPerl(text).values?.get(key),
      c: readC(text).values?.get(key),
      functions: readFunctions(text).values?.get(key),
    };
  }

  /** Keys the readers do not agree on (pre-existing lines wanwatch did not write), for warnings. */
  disagreements(): string[] {
    const text = this.toString();
    const c = readC(text).values;
    const shell = readShell(text).values ?? new Map<string, string>();
    const perl = readPerl(text).values ?? new Map<string, string>();
    const keys = new Set([...shell.keys(), ...perl.keys(), ...(c?.keys() ?? [])]);
    return [...keys].filter((k) => shell.get(k) !== perl.get(k) || (c !== null && c.get(k) !== perl.get(k)));
  }

  /**
   * Sets `key` to `value`: its first line is replaced, any other line that
   * some reader would read as `key` is removed, or a line is appended.
   * Throws a {@link ReadhashError} (and changes nothing) when the value
   * cannot be written safely.
   */
  set(key: string, value: string): this {
    const owned = this.linesOf(key);
    const at = owned[0] ?? this.lines.length;
    const line = formatAssignment(key, value, this.file, at + 1);
    if (owned.length === 1 && this.lines[at] === line) return this; // byte for byte as it was
    const next: string[] = [];
    let index = -1;
    this.lines.forEach((l, i) => {
      if (i === at) index = next.push(line) - 1;
      else if (!owned.includes(i)) next.push(l);
    });
    if (index < 0) index = next.push(line) - 1;
    this.check(ReadhashDocument.parse(`${next.join('\n')}\n`, this.file), key, value, index + 1);
    this.lines.splice(0, this.lines.length, ...next);
    return this;
  }

  /** Removes every line some reader would read as `key`. */
  delete(key: string): this {
    const owned = new Set(this.linesOf(key));
    const next = this.lines.filter((_, i) => !owned.has(i));
    this.lines.splice(0, this.lines.length, ...next);
    return this;
  }

  /** 1-based line of the first line some reader reads as `key`, or 0. */
  lineOf(key: string): number {
    return (this.linesOf(key)[0] ?? -1) + 1;
  }

  /** The text: every line with `\n`, a final newline included. */
  toString(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }

  private linesOf(key: string): number[] {
    return this.lines.flatMap((l, i) => (keysOfLine(l).has(key) ? [i] : []));
  }

  private check(next: ReadhashDocument, key: string, value: string, line: number): void {
    const view = next.view(key);
    const quoted = SAFE_VALUE.test(value) ? value : `'${value}'`;
    for (const reader of READERS) {
      const want = reader === 'functions' ? quoted : value; // that reader keeps quotes (an IPFire bug)
      const got = view[reader];
      // The C reader fails on a file with a line without `=` (a comment); that was so before.
      if (reader === 'c' && readC(next.toString()).values === null) continue;
      if (got !== want)
        throw new ReadhashError(
          this.file,
          line,
          key,
          `the ${reader} reader would read ${JSON.stringify(got)}, not ${JSON.stringify(want)}`,
        );
    }
  }
}
