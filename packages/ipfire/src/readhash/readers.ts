/**
 * What each of IPFire's four readers of `KEY=value` files makes of a text,
 * emulated exactly enough to check a file before it is written (see the
 * reference, §3.4, and the conformance table in the tests):
 *
 * - `shell`: `/usr/local/bin/readhash`, used as `eval $(readhash FILE)` by
 *   the network scripts and connectd. Two `sed -n` passes print lines whose
 *   tail is `KEY=<charset>` or `KEY='<charset and spaces>'` (not anchored at
 *   the start of the line); the unquoted `$( )` word-splits the output, so
 *   runs of spaces inside quotes collapse to one; `eval` then assigns.
 * - `perl`: `General::readhash` (every CGI): `chop` each line (even a last
 *   line without newline loses its last character), skip `^#`, split at the
 *   first `=`, strip one leading and one trailing `'`, key trimmed and cut to
 *   `[A-Za-z0-9_-]*`, any value bytes.
 * - `c`: libsmooth's `readkeyvalues` (setup, setaliases): 1024-byte lines,
 *   a non-empty line without `=` fails the whole read, a quoted value is cut
 *   at its last `'`, the first of duplicate keys is the one found.
 * - `functions`: the `readhash` shell function of `/etc/rc.d/init.d/functions`
 *   (rarely used): `while read -r`, so a last line without newline is lost;
 *   blank and `#` lines skipped; the same charset; quotes are NOT stripped.
 *
 * Texts are handled as latin1 strings (one char per byte), so non-ASCII
 * bytes pass through unchanged.
 */

/** Characters of an unquoted value the shell reader accepts. */
export const VALUE_CHARS = 'A-Za-z0-9=/,.:%_@#+-';
/** A whole unquoted value the shell reader accepts. */
export const SAFE_VALUE = new RegExp(`^[${VALUE_CHARS}]*$`);
/** A whole quoted value's content the shell reader accepts. */
export const SAFE_QUOTED = new RegExp(`^[ ${VALUE_CHARS}]*$`);
/** A shell variable name. */
export const SHELL_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

const SED_UNQUOTED = new RegExp(`([A-Za-z_][A-Za-z0-9_]*)=([${VALUE_CHARS}]*)$`);
const SED_QUOTED = new RegExp(`([A-Za-z_][A-Za-z0-9_]*)=('[ ${VALUE_CHARS}]*')$`);
const EVAL_PLAIN = new RegExp(`^([A-Za-z_][A-Za-z0-9_]*)=([${VALUE_CHARS}]*)$`);
const EVAL_QUOTED = new RegExp(`^([A-Za-z_][A-Za-z0-9_]*)='([ ${VALUE_CHARS}]*)'$`);

/** Which reader. */
export type ReaderName = 'shell' | 'perl' | 'c' | 'functions';
/** Every reader, in the order the conformance table shows them. */
export const READERS: readonly ReaderName[] = ['shell', 'perl', 'c', 'functions'];

/** What one reader made of a text. `values` is null when the reader fails on the file. */
export interface ReaderResult {
  readonly values: ReadonlyMap<string, string> | null;
  /**
   * Shell only: printed lines that are not a plain assignment (`echo X;A=1`);
   * `eval` would run them as commands.
   */
  readonly executed: readonly string[];
}

/** Lines as `sed` and `fgets` see them: split at `\n`; a last line without newline is still a line. */
function sedLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The key the shell reader's `sed` finds on a line (whether or not eval would only assign it). */
export function sedKeyOf(line: string): string | undefined {
  return (SED_UNQUOTED.exec(line) ?? SED_QUOTED.exec(line))?.[1];
}

/** The shell reader (`eval $(readhash FILE)`). */
export function readShell(text: string): ReaderResult {
  const lines = sedLines(text);
  const printed = [
    ...lines.filter((l) => SED_UNQUOTED.test(l)),
    ...lines.filter((l) => !SED_UNQUOTED.test(l) && SED_QUOTED.test(l)),
  ];
  const values = new Map<string, string>();
  const executed: string[] = [];
  for (const line of printed) {
    // The unquoted $( ) splits words at blanks; eval joins them with one space.
    const words = line
      .split(/[ \t]+/)
      .filter(Boolean)
      .join(' ');
    const m = EVAL_PLAIN.exec(words) ?? EVAL_QUOTED.exec(words);
    if (m?.[1] !== undefined) values.set(m[1], m[2] ?? '');
    else executed.push(line);
  }
  return { values, executed };
}

/** `General::readhash` of the CGIs. */
export function readPerl(text: string): ReaderResult {
  const values = new Map<string, string>();
  const records = text.split(/(?<=\n)/).filter((r) => r !== '');
  for (const record of records) {
    const line = record.slice(0, -1); // chop: the last character, newline or not
    if (line.startsWith('#')) continue;
    const at = line.indexOf('=');
    const rawKey = at < 0 ? line : line.slice(0, at);
    if (rawKey === '' || rawKey === '0') continue; // `if ($var)`
    let value = at < 0 ? '' : line.slice(at + 1);
    value = value.replace(/^'/, '').replace(/'$/, '');
    const key = /^[A-Za-z0-9_-]*/.exec(rawKey.trim())?.[0] ?? '';
    values.set(key, value);
  }
  return { values, executed: [] };
}

/** libsmooth's line buffer. */
export const C_LINE_MAX = 1024;

/** libsmooth's `readkeyvalues`. */
export function readC(text: string): ReaderResult {
  const values = new Map<string, string>();
  // fgets reads at most 1023 bytes, or up to and including a newline.
  const chunks = text.match(new RegExp(`[^\\n]{1,${C_LINE_MAX - 1}}\\n?|\\n`, 'g')) ?? [];
  for (const chunk of chunks) {
    const at0 = chunk.indexOf('\n');
    const buffer = at0 < 0 ? chunk : chunk.slice(0, at0);
    if (buffer === '') continue;
    const at = buffer.indexOf('=');
    if (at < 0) return { values: null, executed: [] };
    const key = buffer.slice(0, at);
    let value = buffer.slice(at + 1);
    if (value.startsWith("'")) {
      const end = value.lastIndexOf("'");
      if (end === 0) continue;
      value = value.slice(1, end);
    }
    if (key !== '' && !values.has(key)) values.set(key, value);
  }
  return { values, executed: [] };
}

/** The `readhash` function of `/etc/rc.d/init.d/functions`. */
export function readFunctions(text: string): ReaderResult {
  const values = new Map<string, string>();
  const lines = text.split('\n');
  lines.pop(); // `read` fails on a last line without newline (or the empty rest after the final one)
  for (const raw of lines) {
    const line = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const value = m[2] ?? '';
    if (SAFE_VALUE.test(value) || (/^'.*'$/.test(value) && SAFE_QUOTED.test(value.slice(1, -1))))
      values.set(m[1], value);
  }
  return { values, executed: [] };
}

/** Runs one reader. */
export function readWith(reader: ReaderName, text: string): ReaderResult {
  switch (reader) {
    case 'shell':
      return readShell(text);
    case 'perl':
      return readPerl(text);
    case 'c':
      return readC(text);
    case 'functions':
      return readFunctions(text);
  }
}
