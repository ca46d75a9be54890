/**
 * A long-running `ip -o monitor …` child, read line by line. If it dies it
 * is started again after a back-off that doubles from 100 ms up to 10 s
 * (and starts over once a child has lived for 30 s), so a broken `ip`
 * cannot spin the CPU and a passing hiccup costs a tenth of a second of
 * events. Events missed between two children are made up for by the
 * `onStart` callback, which re-reads the state. Stopped by stop(), for good.
 */
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { systemClock, type Clock, type TimerHandle } from '@wanwatch/core';

/** A running monitor process, as the monitor needs it (replaceable in tests). */
export interface MonitorProcess {
  /** Calls `listener` with each line of standard output. */
  onLine(listener: (line: string) => void): void;
  /** Calls `listener` once when the process has ended, with why. */
  onExit(listener: (why: string) => void): void;
  kill(): void;
}

/** Starts `argv` as a monitor process. */
export type SpawnMonitor = (argv: readonly string[]) => MonitorProcess;

/** Back-off of restarts. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A child that lived this long resets the back-off. */
  readonly stableMs: number;
}

export const MONITOR_BACKOFF: Backoff = { initialMs: 100, maxMs: 10_000, stableMs: 30_000 };

/** What the monitor reports to. */
export interface MonitorSink {
  line(line: string): void;
  /** A child started (the first or a replacement): re-read what may have been missed. */
  started(restart: boolean): void;
  /** A child ended unexpectedly; the next one starts in `delayMs`. */
  died(why: string, delayMs: number): void;
}

/** Spawns through execa: no shell, the C locale, stderr kept for the exit reason. */
export const spawnWithExeca: SpawnMonitor = (argv) => {
  const [file, ...args] = argv;
  if (file === undefined) throw new RangeError('empty command');
  const child = execa(file, args, { buffer: false, stdin: 'ignore', reject: false, env: { LC_ALL: 'C' } });
  const errors: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    errors.push(chunk);
    if (errors.length > 20) errors.shift();
  });
  const lines = child.stdout ? createInterface({ input: child.stdout, crlfDelay: Infinity }) : null;
  return {
    onLine: (listener) => lines?.on('line', listener),
    onExit: (listener) => {
      void child.then((r) => {
        const why = (r.failed ? r.shortMessage : undefined) ?? `exited with code ${r.exitCode ?? '?'}`;
        const stderr = errors.join('').trim();
        listener(stderr ? `${why}: ${stderr.slice(-300)}` : why);
      });
    },
    kill: () => {
      child.kill('SIGTERM');
    },
  };
};

/** Keeps one monitor child running until stop(). */
export class LinkMonitor {
  private child: MonitorProcess | null = null;
  private timer: TimerHandle | null = null;
  private failures = 0;
  private startedAt = 0;
  private stopped = false;
  private starts = 0;

  constructor(
    private readonly argv: readonly string[],
    private readonly sink: MonitorSink,
    private readonly spawn: SpawnMonitor = spawnWithExeca,
    private readonly backoff: Backoff = MONITOR_BACKOFF,
    private readonly clock: Clock = systemClock,
  ) {}

  /** True while a child is running. */
  get running(): boolean {
    return this.child !== null;
  }

  /** How many children were started so far. */
  get startCount(): number {
    return this.starts;
  }

  /** Starts the first child (idempotent). */
  start(): void {
    if (this.stopped || this.child || this.timer) return;
    this.launch();
  }

  private launch(): void {
    this.timer = null;
    if (this.stopped) return;
    let child: MonitorProcess;
    try {
      child = this.spawn(this.argv);
    } catch (err) {
      this.onExit(null, err instanceof Error ? err.message : String(err));
      return;
    }
    this.child = child;
    this.startedAt = this.clock.now();
    const restart = this.starts++ > 0;
    child.onLine((line) => {
      if (this.child === child) this.sink.line(line);
    });
    child.onExit((why) => this.onExit(child, why));
    this.sink.started(restart);
  }

  private onExit(child: MonitorProcess | null, why: string): void {
    if (child !== null && this.child !== child) return;
    this.child = null;
    if (this.stopped) return;
    if (child !== null && this.clock.now() - this.startedAt >= this.backoff.stableMs) this.failures = 0;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    this.sink.died(why, delay);
    this.timer = this.clock.setTimeout(() => this.launch(), delay);
  }

  /** Stops the child and any pending restart, for good. */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const child = this.child;
    this.child = null;
    child?.kill();
  }
}
