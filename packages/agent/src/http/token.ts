/**
 * The bearer token: read from a file only root (or the agent's user) can
 * read or change, re-read when the file changes (so a token is rotated
 * without a restart), compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ControlError } from '../control/protocol.js';
import { HTTP_DEFAULTS } from './settings.js';

/** Why a token file is refused, or null when it is fine. Checks owner, mode and length. */
export function tokenFileProblem(file: string): string | null {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${file} does not exist` : `${file} cannot be read`;
  }
  if (!st.isFile()) return `${file} is not a regular file`;
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== uid) return `${file} belongs to uid ${st.uid}, not root or this agent's user`;
  if ((st.mode & 0o077) !== 0)
    return `${file} is readable or writable by group or others (mode ${(st.mode & 0o777).toString(8)}); chmod 600 it`;
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch {
    return `${file} cannot be read`;
  }
  if (token.length < HTTP_DEFAULTS.minTokenChars || /\s/.test(token))
    return `${file} must hold one token of at least ${HTTP_DEFAULTS.minTokenChars} characters without spaces (e.g. openssl rand -hex 32)`;
  return null;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * @example
 * ```ts
 * const token = new TokenFile('/etc/wanwatch/token');
 * if (!token.accepts(req.headers.authorization)) reply(401);
 * ```
 */
export class TokenFile {
  private cached: { mtimeMs: number; size: number; digest: Buffer } | null = null;

  constructor(readonly file: string) {}

  /** The token's digest, re-read when the file changed; throws a ControlError when the file became unusable. */
  private current(): Buffer {
    const st = statSync(this.file, { throwIfNoEntry: false });
    if (st && this.cached && st.mtimeMs === this.cached.mtimeMs && st.size === this.cached.size)
      return this.cached.digest;
    const problem = tokenFileProblem(this.file);
    if (problem !== null || !st) throw new ControlError('E_TOKEN_FILE', `the API token is unusable: ${problem}`);
    this.cached = { mtimeMs: st.mtimeMs, size: st.size, digest: digest(readFileSync(this.file, 'utf8').trim()) };
    return this.cached.digest;
  }

  /** Checks an `Authorization` header (`Bearer <token>`). */
  accepts(header: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const expected = this.current();
    // Hashing both sides makes the comparison constant-time whatever the lengths.
    return m !== null && timingSafeEqual(digest(m[1]!), expected);
  }
}
