/**
 * Operator hooks: the executables of `hooks.pre` and `hooks.post`, run
 * around every switch with core's documented environment (see core's
 * `switch/hook-env.ts`).
 *
 * - No shell: the file is executed directly with no arguments (execa with an
 *   argument array), so nothing in the environment is ever parsed as code.
 * - A clean environment: `PATH` and the `WANWATCH_*` variables only (mwan3's
 *   hooks get three variables; these get the whole switch, and no secrets
 *   of the agent's own environment).
 * - A time limit: the hook runs in its own process group, and the whole
 *   group (the hook and anything it started) is killed with SIGKILL when
 *   the limit passes.
 * - A failure (non-zero exit, timeout, cannot start) is reported with the
 *   end of its stderr; core logs it as a warning and the switch goes on.
 */
import { execa } from 'execa';
import type { HookOutcome, HookPhase, HookRunner } from '@wanwatch/core';

/** The executables to run; null runs nothing for that phase. */
export interface HookFiles {
  readonly pre: string | null;
  readonly post: string | null;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** How much of a failed hook's stderr goes into its error message. */
const STDERR_CHARS = 400;

function lastLines(text: string): string {
  const trimmed = text.trim().replace(/\s*\n\s*/g, ' | ');
  return trimmed.length > STDERR_CHARS ? `…${trimmed.slice(-STDERR_CHARS)}` : trimmed;
}

/**
 * Runs hooks with execa. Implements core's `HookRunner`.
 *
 * @example
 * ```ts
 * const hooks = new ExecHookRunner({ pre: '/etc/wanwatch/pre-switch', post: null });
 * const engine = new Engine({ ...options, hooks });
 * ```
 */
export class ExecHookRunner implements HookRunner {
  constructor(private readonly files: HookFiles) {}

  async run(phase: HookPhase, env: Readonly<Record<string, string>>, timeoutMs: number): Promise<HookOutcome> {
    const file = this.files[phase];
    if (file === null) return { ok: true };
    const child = execa(file, [], {
      env: { PATH: process.env.PATH ?? DEFAULT_PATH, ...env },
      extendEnv: false,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'pipe',
      maxBuffer: 64 * 1024,
      detached: true,
      cleanup: false,
      reject: false,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already; make sure the hook is
      }
    }, timeoutMs);
    try {
      const result = await child;
      const stderr = typeof result.stderr === 'string' ? lastLines(result.stderr) : '';
      const tail = stderr ? `: ${stderr}` : '';
      if (timedOut) return { ok: false, error: `${file} killed after ${timeoutMs} ms (timeout)${tail}` };
      if (result.exitCode === 0) return { ok: true, exitCode: 0 };
      if (result.exitCode !== undefined)
        return { ok: false, exitCode: result.exitCode, error: `${file} exited with code ${result.exitCode}${tail}` };
      const cause = result.signal ? `was killed by ${result.signal}` : `could not run (${result.shortMessage})`;
      return { ok: false, error: `${file} ${cause}${tail}` };
    } finally {
      clearTimeout(timer);
    }
  }
}
