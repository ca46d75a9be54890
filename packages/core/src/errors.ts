/**
 * Every error wanwatch raises is a {@link WanwatchError}: a stable `code` a
 * program can branch on, the uplink or file involved, and the underlying
 * cause. The agent turns one into a single readable line; nothing here needs
 * a stack trace to be understood.
 */

/** Stable error codes. New codes may be added; existing ones never change meaning. */
export type ErrorCode =
  | 'E_CONFIG'
  | 'E_UNKNOWN_UPLINK'
  | 'E_UPLINK_UNUSABLE'
  | 'E_ACTIVATE_FAILED'
  | 'E_VERIFY_FAILED'
  | 'E_HOOK_FAILED'
  | 'E_TIMEOUT'
  | 'E_STATE_CORRUPT'
  | 'E_STATE_IO'
  | 'E_NOT_MASTER'
  | 'E_STOPPED'
  | 'E_ADAPTER';

/** Options shared by every wanwatch error. */
export interface WanwatchErrorOptions {
  /** The uplink the error is about, when there is one. */
  readonly uplink?: string | undefined;
  /** The file the error is about, when there is one. */
  readonly file?: string | undefined;
  /** The underlying error. */
  readonly cause?: unknown;
}

/**
 * Base class of every error wanwatch raises.
 *
 * @example
 * ```ts
 * try { await engine.failover('lte'); }
 * catch (err) { if (err instanceof WanwatchError && err.code === 'E_UNKNOWN_UPLINK') usage(); }
 * ```
 */
export class WanwatchError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** The uplink involved, if any. */
  readonly uplink: string | undefined;
  /** The file involved, if any. */
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: WanwatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.uplink = options.uplink;
    this.file = options.file;
  }
}

/** One problem found while validating settings or uplinks. */
export interface ConfigIssue {
  /** Dotted path of the offending field, e.g. `uplinks[1].priority`. */
  readonly path: string;
  /** What is wrong, in words an operator understands. */
  readonly message: string;
}

/**
 * Settings or uplinks that cannot be used. Lists every problem, not just the
 * first, so an operator fixes a config in one pass.
 */
export class ConfigError extends WanwatchError {
  /** Every problem found, in field order. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options: WanwatchErrorOptions = {}) {
    super('E_CONFIG', issues.map((i) => `${i.path}: ${i.message}`).join('; '), options);
    this.issues = issues;
  }
}

/** A step of a switch (or any other awaited operation) did not finish in time. */
export class TimeoutError extends WanwatchError {
  /** The time limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, options: WanwatchErrorOptions = {}) {
    super('E_TIMEOUT', `${what} did not finish within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** A persisted state file could not be parsed; the engine starts without it. */
export class StateCorruptError extends WanwatchError {
  /** Where the unreadable file was moved so that it is not lost. */
  readonly movedTo: string | undefined;

  constructor(file: string, movedTo: string | undefined, cause: unknown) {
    super(
      'E_STATE_CORRUPT',
      `state file ${file} is unreadable (${describeError(cause)})` +
        (movedTo ? `; kept as ${movedTo}, starting with empty state` : '; starting with empty state'),
      { file, cause },
    );
    this.movedTo = movedTo;
  }
}

/** The text of any thrown value, for one-line reports. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
