/**
 * netlab's errors. netlab depends on nothing of ours (see ARCHITECTURE.md
 * §1), so it has its own small error class with stable codes instead of
 * core's WanwatchError.
 */

/** Stable error codes of the lab. */
export type NetlabErrorCode =
  | 'E_NOT_ROOT'
  | 'E_MISSING_TOOL'
  | 'E_COMMAND'
  | 'E_UNSAFE'
  | 'E_UNSUPPORTED'
  | 'E_INVALID_NAME'
  | 'E_AGENT'
  | 'E_TIMEOUT'
  | 'E_CLOSED';

/**
 * Every failure of the lab. `code` is stable; `command` and `stderr` are set
 * when an external command failed, so the message alone tells what to fix.
 */
export class NetlabError extends Error {
  readonly code: NetlabErrorCode;
  readonly command: string | undefined;
  readonly stderr: string | undefined;

  constructor(
    code: NetlabErrorCode,
    message: string,
    options: { command?: string; stderr?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NetlabError';
    this.code = code;
    this.command = options.command;
    this.stderr = options.stderr;
  }
}
