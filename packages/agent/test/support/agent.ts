/** Runs the built `wanwatch` CLI as a child process, as an operator would. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `wanwatch …args` to completion. */
export function wanwatch(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: 30_000, env: { ...process.env, JOURNAL_STREAM: '' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Polls `check` every 20 ms until it returns a value (not undefined), at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A `wanwatch run` child process and its log lines. */
export class AgentProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(config: string, extraEnv: Readonly<Record<string, string>> = {}) {
    const env = { ...process.env, ...extraEnv };
    delete env.JOURNAL_STREAM;
    this.child = spawn(process.execPath, [CLI, 'run', '-c', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Waits for a log line matching `pattern` (after the first `from` lines). */
  line(pattern: RegExp, from = 0): Promise<string> {
    return waitFor(`a log line matching ${pattern}\n${this.lines.join('\n')}`, () =>
      this.lines.slice(from).find((l) => pattern.test(l)),
    );
  }

  /** Stops the process if it still runs (SIGKILL: for cleanup after a failed test). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
