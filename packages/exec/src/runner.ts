/**
 * Every external command of a platform adapter goes through here: an
 * argument array (never a shell string), a time limit that holds even when
 * a grandchild keeps the output open, the caller's abort signal, the C
 * locale (so that messages can be read), and stderr kept for the error. A
 * failure is a {@link CommandError} that names the command.
 *
 * Shared by @wanwatch/linux and @wanwatch/opnsense.
 */
import { execa } from 'execa';
import { WanwatchError, type ErrorCode } from '@wanwatch/core';

/** What a finished command printed. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Per-call settings. */
export interface RunOptions {
  /** Kills the command when aborted. */
  readonly signal?: AbortSignal | undefined;
  /** Exit codes that are not failures (e.g. `conntrack -D` exits 1 when nothing matched). */
  readonly okExitCodes?: readonly number[];
  /** Error code of the failure. Default `E_ADAPTER`. */
  readonly code?: ErrorCode;
  /** The uplink the command is about, for the error. */
  readonly uplink?: string | undefined;
  /** This command's time limit instead of the runner's. */
  readonly timeoutMs?: number | undefined;
  /** Extra environment of this command. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** Details of a failed command. */
export interface CommandFailure {
  /** The whole command line as run, prefix included. */
  readonly command: readonly string[];
  readonly stderr: string;
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** The program (or, behind a prefix, the command) could not be found. */
  readonly missing: boolean;
}

/** A command that failed, timed out, was aborted or could not be started. */
export class CommandError extends WanwatchError implements CommandFailure {
  readonly command: readonly string[];
  readonly stderr: string;
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  readonly missing: boolean;

  constructor(code: ErrorCode, message: string, failure: CommandFailure, uplink?: string) {
    super(code, message, { uplink });
    this.command = failure.command;
    this.stderr = failure.stderr;
    this.exitCode = failure.exitCode;
    this.timedOut = failure.timedOut;
    this.aborted = failure.aborted;
    this.missing = failure.missing;
  }
}

/** Something that runs commands (replaceable in tests). */
export interface CommandRunner {
  run(argv: readonly string[], options?: RunOptions): Promise<CommandResult>;
}

/** How a command line reads in a message: arguments with spaces quoted. */
export function showCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/** Messages of a missing program: execa's ENOENT, a shell's 127, `ip netns exec`'s and env's wording. */
const MISSING = /No such file or directory|command not found|not found$/m;

/** What a command that outlived its hard deadline is taken to have done. */
const TIMED_OUT = {
  failed: true,
  timedOut: true,
  isCanceled: false,
  exitCode: undefined,
  code: undefined,
} as const;

/** Settings of {@link ExecaRunner}. */
export interface RunnerSettings {
  /** Time limit of every command (a command may ask for its own). */
  readonly timeoutMs: number;
  /** Put in front of every command, e.g. `['ip', 'netns', 'exec', 'lab-router']`. Default none. */
  readonly prefix?: readonly string[] | undefined;
  /** Directories searched before PATH (tests put emulated commands there). Default none. */
  readonly path?: readonly string[] | undefined;
  /** Extra environment of every command. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Every command run, with its outcome and duration. */
  readonly debug?: ((message: string) => void) | undefined;
}

/**
 * Runs commands through execa, each with a time limit.
 *
 * @example
 * ```ts
 * const runner = new ExecaRunner({ timeoutMs: 5000 });
 * const { stdout } = await runner.run(['ip', '-json', 'addr', 'show'], { signal });
 * ```
 */
export class ExecaRunner implements CommandRunner {
  private readonly env: Record<string, string>;
  private readonly prefix: readonly string[];

  constructor(private readonly settings: RunnerSettings) {
    this.prefix = settings.prefix ?? [];
    const path = [...(settings.path ?? []), process.env.PATH ?? '/sbin:/bin:/usr/sbin:/usr/bin'].join(':');
    this.env = { ...settings.env, PATH: path, LC_ALL: 'C' };
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    const command = [...this.prefix, ...argv];
    const [file, ...args] = command;
    if (file === undefined || argv.length === 0) throw new RangeError('empty command');
    const timeoutMs = options.timeoutMs ?? this.settings.timeoutMs;
    const started = performance.now();
    const child = execa(file, args, {
      timeout: timeoutMs,
      cancelSignal: options.signal,
      reject: false,
      stdin: 'ignore',
      stripFinalNewline: true,
      env: options.env ? { ...this.env, ...options.env } : this.env,
    });
    // execa kills the command at the time limit, but waits for its output to close, which a
    // grandchild (a wrapper's `sleep`) may hold open: a hard deadline keeps the limit a limit.
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const hard = new Promise<null>((resolve) => {
      deadline = setTimeout(() => resolve(null), timeoutMs + Math.min(1000, timeoutMs));
    });
    const finished = await Promise.race([child, hard]);
    clearTimeout(deadline);
    const result = finished ?? { ...TIMED_OUT, stdout: '', stderr: '' };
    const stdout = typeof result.stdout === 'string' ? result.stdout : '';
    const stderr = typeof result.stderr === 'string' ? result.stderr.trim() : '';
    const exitCode = result.exitCode;
    const ok = !result.failed || (exitCode !== undefined && (options.okExitCodes ?? []).includes(exitCode));
    this.settings.debug?.(
      `${showCommand(command)} → ${ok ? 'ok' : 'failed'}` +
        ` (exit ${exitCode ?? '-'}, ${Math.round(performance.now() - started)} ms)`,
    );
    if (ok) return { stdout, stderr, exitCode: exitCode ?? 0 };

    const missing = result.code === 'ENOENT' || exitCode === 127 || (exitCode === 255 && MISSING.test(stderr));
    const why = result.timedOut
      ? `timed out after ${timeoutMs} ms`
      : result.isCanceled
        ? 'aborted'
        : missing && result.code === 'ENOENT'
          ? `${file} not found`
          : `exit ${exitCode ?? '?'}${stderr ? `: ${stderr}` : ''}`;
    throw new CommandError(
      options.code ?? 'E_ADAPTER',
      `${showCommand(command)} failed: ${why}`,
      { command, stderr, exitCode, timedOut: result.timedOut, aborted: result.isCanceled, missing },
      options.uplink,
    );
  }
}
