/**
 * The real `wanwatch` agent running inside a netlab router namespace, as it
 * runs on a real router: `ip netns exec <router> node wanwatch run -c …`,
 * with its control socket, state and config in a temporary directory. Used
 * by the end-to-end tests, the lab demo and the benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { request, type CommandName, type StatusResult } from '@wanwatch/agent';
import type { Lab } from '@wanwatch/netlab';

/** The built CLI. */
export const CLI = fileURLToPath(new URL('../../packages/agent/dist/cli/main.js', import.meta.url));

/** One uplink of the agent's config, on lab uplink `index`. */
export interface LabUplinkSpec {
  readonly name: string;
  /** 1-based lab uplink. */
  readonly index: number;
  readonly priority?: number;
  /** Extra per-uplink keys (probe/health overrides…). */
  readonly extra?: Record<string, unknown>;
}

/** What goes into the agent's config besides uplinks, control, state and log. */
export type ConfigSections = Record<string, unknown>;

/** A config for `lab`: every uplink probes the same three internet targets (two IPv4, one IPv6). */
export function labConfig(lab: Lab, dir: string, uplinks: readonly LabUplinkSpec[], sections: ConfigSections = {}) {
  const targets = [...lab.targets4(2), ...lab.targets6(1)];
  return {
    platform: 'linux',
    control: { socket: join(dir, 'wanwatch.sock') },
    state: join(dir, 'state'),
    log: { level: 'info', format: 'text', summary: '0s' },
    ...sections,
    uplinks: uplinks.map((u, i) => ({
      name: u.name,
      priority: u.priority ?? (i + 1) * 10,
      interface: lab.uplink(u.index).device,
      gateway: lab.uplink(u.index).gateway4,
      gateway6: lab.uplink(u.index).gateway6,
      targets,
      ...u.extra,
    })),
  };
}

/** Polls `check` every `everyMs` until it returns a value, at most `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Where an agent runs: a lab (its router) or anything else with a router namespace (an HA lab's router). */
export interface AgentHost {
  readonly ns: { readonly router: string };
}

/** A `wanwatch run` process in the lab's router namespace. */
export class LabAgent {
  readonly lines: string[] = [];
  private child: ChildProcess | null = null;
  private exit: Promise<number | null> = Promise.resolve(null);

  private constructor(
    readonly lab: AgentHost,
    readonly dir: string,
    readonly configPath: string,
    readonly socket: string,
    /** The CLI that runs: the built one, or another build of it (the single-file bundle). */
    readonly cli: string = CLI,
  ) {}

  /** Writes `config` (see {@link labConfig}) and starts the agent; resolves once it answers on its socket. */
  static async start(
    lab: AgentHost,
    build: (dir: string) => Record<string, unknown>,
    cli: string = CLI,
  ): Promise<LabAgent> {
    const dir = await mkdtemp(join(tmpdir(), 'wanwatch-e2e-'));
    const config = build(dir);
    const configPath = join(dir, 'wanwatch.yaml');
    await writeFile(configPath, stringify(config));
    const agent = new LabAgent(lab, dir, configPath, (config.control as { socket: string }).socket, cli);
    await agent.launch();
    return agent;
  }

  /** Rewrites the config file (for reload tests). */
  async rewrite(config: Record<string, unknown>): Promise<void> {
    await writeFile(this.configPath, stringify(config));
  }

  /** Starts (or restarts) the process and waits until it answers. */
  async launch(): Promise<void> {
    const env = { ...process.env };
    delete env.JOURNAL_STREAM;
    const child = spawn(
      'ip',
      ['netns', 'exec', this.lab.ns.router, process.execPath, this.cli, 'run', '-c', this.configPath],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const collect = (chunk: Buffer) => this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(
      `the agent to answer on ${this.socket}\n${this.lines.join('\n')}`,
      async () => (child.exitCode === null ? this.status().catch(() => undefined) : Promise.reject(this.died())),
      15_000,
    );
  }

  private died(): Error {
    return new Error(`the agent exited with ${this.child?.exitCode}:\n${this.lines.join('\n')}`);
  }

  /** Sends one control command. */
  command(name: CommandName, args: Record<string, unknown> = {}): Promise<unknown> {
    return request(this.socket, name, args, 60_000);
  }

  status(): Promise<StatusResult> {
    return this.command('status') as Promise<StatusResult>;
  }

  /** Waits until `predicate(status)` holds; resolves with that status. */
  until(what: string, predicate: (s: StatusResult) => boolean, timeoutMs: number): Promise<StatusResult> {
    return waitFor(
      what,
      async () => {
        const s = await this.status().catch(() => undefined);
        return s && predicate(s) ? s : undefined;
      },
      timeoutMs,
    );
  }

  /** Sends a signal to the agent process. */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** Kills the agent with SIGKILL (a crash) and waits for it to be gone. */
  async crash(): Promise<void> {
    this.signal('SIGKILL');
    await this.exit;
  }

  /** Stops the agent with SIGTERM; resolves with its exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null)
      return this.child?.exitCode ?? null;
    this.signal('SIGTERM');
    return this.exit;
  }

  /** Stops the agent (SIGKILL if it does not stop in 10 s) and removes its directory. */
  async dispose(): Promise<void> {
    const stopped = this.stop();
    const timer = new Promise((r) => setTimeout(r, 10_000));
    await Promise.race([stopped, timer]);
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) await this.crash();
    await rm(this.dir, { recursive: true, force: true });
  }
}
