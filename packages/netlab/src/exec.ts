/**
 * Every external command of the lab goes through here: an argument array
 * (never a shell string), a time limit, and stderr kept for the error.
 */
import { execa } from 'execa';
import { NetlabError } from './errors.js';

/** Default time limit of one lab command. Namespace set-up commands take milliseconds. */
export const COMMAND_TIMEOUT_MS = 10_000;

export interface RunOptions {
  /** Text fed to the command's standard input (nft -f -). */
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Resolve with the failure instead of throwing (for idempotent clean-up). */
  readonly allowFailure?: boolean;
}

export interface RunResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file args…`; throws a {@link NetlabError} `E_COMMAND` on failure unless `allowFailure`. */
export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await execa(file, args, {
    input: options.input,
    timeout: options.timeoutMs ?? COMMAND_TIMEOUT_MS,
    reject: false,
    stripFinalNewline: true,
  });
  const ok = !result.failed;
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  if (!ok && !options.allowFailure) {
    const why = result.timedOut ? `timed out after ${options.timeoutMs ?? COMMAND_TIMEOUT_MS} ms` : stderr.trim();
    throw new NetlabError('E_COMMAND', `${[file, ...args].join(' ')} failed: ${why || result.shortMessage}`, {
      command: [file, ...args].join(' '),
      stderr,
    });
  }
  return { ok, stdout, stderr };
}

/** `ip …` in the root namespace (only ever used for `ip netns …`). */
export function ip(args: readonly string[], options?: RunOptions): Promise<RunResult> {
  return run('ip', args, options);
}

/** `ip -n <ns> …`: iproute2 inside a lab namespace. */
export function ipIn(ns: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
  return run('ip', ['-n', ns, ...args], options);
}

/** Any command inside a lab namespace. */
export function execIn(ns: string, file: string, args: readonly string[], options?: RunOptions): Promise<RunResult> {
  return run('ip', ['netns', 'exec', ns, file, ...args], options);
}

/** Loads an nftables ruleset into a lab namespace (`nft -f -`). */
export function nftIn(ns: string, ruleset: string, options?: RunOptions): Promise<RunResult> {
  return execIn(ns, 'nft', ['-f', '-'], { ...options, input: ruleset });
}

/** Sets a sysctl inside a lab namespace. */
export function sysctlIn(ns: string, key: string, value: string | number): Promise<RunResult> {
  return execIn(ns, 'sysctl', ['-q', '-w', `${key}=${value}`]);
}
