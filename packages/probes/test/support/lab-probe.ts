/** Test helpers: a lab, uplinks as the engine would describe them, and a probe host in the router namespace. */
import { fileURLToPath } from 'node:url';
import type { ProbePath, ProbeResult, Uplink } from '@wanwatch/core';
import { Agent, type Lab } from '@wanwatch/netlab';
import type { HostOptions } from './probe-host.js';

const HOST_SCRIPT = fileURLToPath(new URL('./probe-host.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** Uplink `i` of the lab as core's Uplink, with its IPv4 or IPv6 gateway. */
export function uplinkOf(lab: Lab, i: number, family: 4 | 6 = 4): Uplink {
  const u = lab.uplink(i);
  return {
    id: `wan${i}`,
    priority: 10 * i,
    interface: u.device,
    gateway: family === 4 ? u.gateway4 : u.gateway6,
    targets: [],
  };
}

export interface Sent {
  readonly target: string;
  readonly uplink: Uplink;
  readonly timeoutMs?: number;
  readonly path?: ProbePath;
}

/** A probe running in the lab's router, driven from the test. */
export class ProbeHost {
  private constructor(private readonly agent: Agent) {}

  static async start(lab: Lab, options: HostOptions = {}): Promise<ProbeHost> {
    const agent = await Agent.start({
      ns: lab.ns.router,
      script: HOST_SCRIPT,
      nodeOptions: ['--import', TSX],
      args: [JSON.stringify(options)],
      name: 'probe host',
      startTimeoutMs: 20_000,
    });
    return new ProbeHost(agent);
  }

  private static wire(s: Sent) {
    return { uplink: s.uplink, target: s.target, timeoutMs: s.timeoutMs ?? 500, path: s.path ?? 'uplink' };
  }

  send(s: Sent): Promise<ProbeResult> {
    return this.agent.call<ProbeResult>('send', ProbeHost.wire(s), 30_000);
  }

  sendMany(list: readonly Sent[]): Promise<ProbeResult[]> {
    return this.agent.call<ProbeResult[]>(
      'sendMany',
      list.map((s) => ProbeHost.wire(s)),
      60_000,
    );
  }

  /** Probes every `everyMs` until the result's `ok` equals `ok`; how long that took. */
  until(s: Sent, ok: boolean, everyMs: number, maxMs: number) {
    return this.agent.call<{ result: ProbeResult; elapsedMs: number; probes: number }>(
      'until',
      { request: ProbeHost.wire(s), ok, everyMs, maxMs },
      maxMs + 10_000,
    );
  }

  backend(): Promise<string> {
    return this.agent.call<string>('backend');
  }

  logs(): Promise<string[]> {
    return this.agent.call<string[]>('logs');
  }

  pid(): Promise<number> {
    return this.agent.call<number>('pid');
  }

  stop(): Promise<void> {
    return this.agent.stop();
  }
}

/** Share of results that failed. */
export function lossOf(results: readonly ProbeResult[]): number {
  return results.filter((r) => !r.ok).length / results.length;
}

/** RTTs of the results that succeeded. */
export function rtts(results: readonly ProbeResult[]): number[] {
  return results.flatMap((r) => (r.ok ? [r.rttMs] : []));
}
