/**
 * Agents: Node processes the lab runs inside a namespace (a traffic meter's
 * sender or receiver, the internet's services, a probe host of a test). The
 * test process itself stays in the machine's own namespace and never joins
 * the lab; it talks to its agents over an IPC channel with numbered
 * requests. An agent exits by itself when that channel closes, so a crashed
 * test leaves no agent running.
 */
import { execa, type ResultPromise } from 'execa';
import { NetlabError } from './errors.js';
import { assertLabNamespace } from './names.js';

/** How to start an agent. */
export interface AgentOptions {
  /** The lab namespace to run in. */
  readonly ns: string;
  /** Absolute path of the script (JavaScript, or TypeScript with `nodeOptions: ['--import', tsx]`). */
  readonly script: string;
  readonly args?: readonly string[];
  /** Extra Node options before the script, e.g. a loader. */
  readonly nodeOptions?: readonly string[];
  /** Shown in errors. */
  readonly name: string;
  /** How long the agent may take to say it is ready. Default 10 s. */
  readonly startTimeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

type Message =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  | { type: 'event'; event: unknown };

/** A running agent. */
export class Agent {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((event: unknown) => void)[] = [];
  private exited = false;
  private stderr = '';

  private constructor(
    private readonly child: ResultPromise,
    readonly name: string,
  ) {}

  /** Starts an agent and waits until it is ready. */
  static async start(options: AgentOptions): Promise<Agent> {
    assertLabNamespace(options.ns);
    const child = execa(
      'ip',
      [
        'netns',
        'exec',
        options.ns,
        process.execPath,
        ...(options.nodeOptions ?? []),
        options.script,
        ...(options.args ?? []),
      ],
      {
        ipc: true,
        serialization: 'json',
        reject: false,
        stdin: 'ignore',
        stdout: 'inherit',
        stderr: 'pipe',
        buffer: false,
      },
    );
    const agent = new Agent(child, options.name);
    child.stderr?.on('data', (chunk: Buffer) => {
      agent.stderr = (agent.stderr + chunk.toString()).slice(-4000);
    });
    await agent.waitReady(options.startTimeoutMs ?? 10_000);
    return agent;
  }

  private waitReady(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        reject(new NetlabError('E_AGENT', `${this.name} did not start within ${timeoutMs} ms: ${this.stderr.trim()}`));
      }, timeoutMs);
      this.child.on('message', (raw: unknown) => {
        const msg = raw as Message;
        if (msg.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else this.dispatch(msg);
      });
      this.child.on('exit', () => {
        this.exited = true;
        clearTimeout(timer);
        const err = new NetlabError('E_AGENT', `${this.name} exited: ${this.stderr.trim() || 'no output'}`);
        reject(err);
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(err);
        }
        this.pending.clear();
      });
      // The promise of the whole run; its failure is reported through 'exit'.
      this.child.catch(() => undefined);
    });
  }

  private dispatch(msg: Message): void {
    if (msg.type === 'event') {
      for (const l of this.listeners) l(msg.event);
      return;
    }
    if (msg.type !== 'result') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new NetlabError('E_AGENT', `${this.name}: ${msg.error}`));
  }

  /** Calls `method` in the agent; rejects with `E_AGENT` on its error or `E_TIMEOUT`. */
  call<T>(method: string, params: unknown = null, timeoutMs = 10_000): Promise<T> {
    if (this.exited) return Promise.reject(new NetlabError('E_CLOSED', `${this.name} has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new NetlabError('E_TIMEOUT', `${this.name}: ${method} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ type: 'call', id, method, params });
    });
  }

  /** Listens to events the agent emits. */
  onEvent(listener: (event: unknown) => void): void {
    this.listeners.push(listener);
  }

  /** Stops the agent: asks it to exit, and kills it after `graceMs`. Never throws. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    try {
      this.child.disconnect();
    } catch {
      // channel already closed
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    await gone;
    clearTimeout(timer);
  }

  private kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
