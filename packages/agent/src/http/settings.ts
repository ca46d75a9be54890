/** The HTTP API's settings (`control.http` in the config) and their defaults. */

/** `control.http`: present means on. */
export interface HttpSettings {
  /** Host and port, `127.0.0.1:8686` or `[::1]:8686`. */
  readonly host: string;
  readonly port: number;
  /** The file holding the bearer token (root-only). */
  readonly tokenFile: string;
  /** Reads (status, uplinks, history, events, metrics) need the token too. */
  readonly readToken: boolean;
  /** Changes accepted per minute (a token bucket of this size, refilled evenly). */
  readonly changesPerMinute: number;
  /** Largest request body in bytes. */
  readonly maxBodyBytes: number;
  /** Host names (besides IP addresses and localhost) the `Host` header may carry. */
  readonly allowedHosts: readonly string[];
}

/** Defaults of `control.http` keys. Off unless the section is present. */
export const HTTP_DEFAULTS = Object.freeze({
  listen: '127.0.0.1:8686',
  tokenFile: '/etc/wanwatch/token',
  readToken: false,
  changesPerMinute: 10,
  maxBodyBytes: 16 * 1024,
  /** A token shorter than this is refused (it could be guessed). */
  minTokenChars: 16,
});

/**
 * Whether a request's `Host` header names this agent: an IP address,
 * `localhost`, or one of `allowed`. Anything else is a browser that was
 * pointed at 127.0.0.1 through someone else's DNS name (DNS rebinding) and
 * must not read the status.
 */
export function hostAllowed(header: string | undefined, allowed: readonly string[]): boolean {
  if (header === undefined) return true; // HTTP/1.0 clients; browsers always send it
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+))(?::\d+)?$/.exec(header.trim());
  if (!m) return false;
  if (m[1] !== undefined) return true;
  const name = m[2]!.toLowerCase();
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name === 'localhost' || allowed.includes(name);
}

/** `127.0.0.1:8686` / `[::1]:8686` → host and port; null when malformed. */
export function parseListen(value: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+|localhost)):(\d{1,5})$/.exec(value);
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65535) return null; // 0: any free port (tests)
  return { host: m[1] ?? m[2]!, port };
}
