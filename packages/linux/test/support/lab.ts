/** Test helpers: a lab for the adapter, uplinks as the engine describes them, and state read back from the router. */
import { fileURLToPath } from 'node:url';
import type { ProbeRequest, ProbeResult, Uplink } from '@wanwatch/core';
import { Agent, execIn, ipIn, Lab } from '@wanwatch/netlab';
import type { LinuxAdapterOptions } from '../../src/index.js';

const HOST_SCRIPT = fileURLToPath(new URL('./router-host.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** The table a DHCP client of uplink 2 puts its default route in (to learn an auto gateway from another table). */
export const DHCP_TABLE = 200;

/**
 * A lab whose router has no probe routing of netlab's and default routes as
 * DHCP clients would leave them: uplink 1's in the main table at metric 100
 * (IPv4 and IPv6), uplink 2's in table 200, none for the others.
 */
export async function adapterLab(uplinks = 2): Promise<Lab> {
  return Lab.create({
    uplinks,
    services: false,
    probeRouting: false,
    defaultRouteMetric: 100,
    setup: async (lab) => {
      const u2 = lab.uplinks[1];
      if (!u2) return;
      const r = lab.ns.router;
      await ipIn(r, [
        '-4',
        'route',
        'add',
        'default',
        'via',
        u2.gateway4,
        'dev',
        u2.device,
        'table',
        String(DHCP_TABLE),
      ]);
      await ipIn(r, [
        '-6',
        'route',
        'add',
        'default',
        'via',
        u2.gateway6,
        'dev',
        u2.device,
        'table',
        String(DHCP_TABLE),
      ]);
    },
  });
}

/** Uplink `i` of the lab as core's Uplink: configured gateways unless `auto` is asked for. */
export function uplinkOf(lab: Lab, i: number, gateways: 'configured' | 'auto' = 'configured'): Uplink {
  const u = lab.uplink(i);
  return {
    id: `wan${i}`,
    priority: 10 * i,
    interface: u.device,
    gateway: gateways === 'auto' ? 'auto' : u.gateway4,
    gateway6: gateways === 'auto' ? 'auto' : u.gateway6,
    targets: [],
  };
}

/** Options that make the adapter act inside the lab's router. */
export function inLab(lab: Lab, more: LinuxAdapterOptions = {}): LinuxAdapterOptions {
  return { commandPrefix: ['ip', 'netns', 'exec', lab.ns.router], ...more };
}

/** A logger that keeps what it is told. */
export class Notes {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];
  readonly debugs: string[] = [];
  readonly logger = {
    warn: (m: string) => this.warnings.push(m),
    info: (m: string) => this.infos.push(m),
    debug: (m: string) => this.debugs.push(m),
  };
}

export interface JsonRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  table?: string;
  flags?: string[];
}

export interface JsonRule {
  priority: number;
  src: string;
  oif?: string;
  table?: string;
}

/** Default routes of `family` in `table` of the lab's router. */
export async function defaultRoutes(lab: Lab, family: 4 | 6, table = 'main'): Promise<JsonRoute[]> {
  const res = await ipIn(
    lab.ns.router,
    ['-N', '-json', `-${family}`, 'route', 'show', 'table', table, 'exact', 'default'],
    {
      allowFailure: true,
    },
  );
  return res.ok && res.stdout.trim() ? (JSON.parse(res.stdout) as JsonRoute[]) : [];
}

/** Rules of `family` in the lab's router. */
export async function rules(lab: Lab, family: 4 | 6): Promise<JsonRule[]> {
  const res = await ipIn(lab.ns.router, ['-N', '-json', `-${family}`, 'rule', 'show']);
  return JSON.parse(res.stdout) as JsonRule[];
}

/** True when one echo request from the LAN host to `target` is answered within 0.5 s. */
export async function lanReaches(lab: Lab, target: string): Promise<boolean> {
  const res = await execIn(lab.ns.lan, 'ping', ['-n', '-c', '1', '-W', '0.5', target], { allowFailure: true });
  return /1 received/.test(res.stdout);
}

/** The helper process in the router: probes and a default-route watcher. */
export class RouterHost {
  private constructor(private readonly agent: Agent) {}

  static async start(lab: Lab): Promise<RouterHost> {
    const agent = await Agent.start({
      ns: lab.ns.router,
      script: HOST_SCRIPT,
      nodeOptions: ['--import', TSX],
      name: 'router host',
      startTimeoutMs: 20_000,
    });
    return new RouterHost(agent);
  }

  /** One probe of `target` through `uplink`'s own device (`path: 'uplink'`). */
  probe(uplink: Uplink, target: string, timeoutMs = 500): Promise<ProbeResult> {
    return this.send({ uplink, target, timeoutMs, path: 'uplink' });
  }

  /** A probe request of the engine's, sent from the router (its abort signal cannot cross). */
  send(request: ProbeRequest): Promise<ProbeResult> {
    const { uplink, target, timeoutMs, path } = request;
    return this.agent.call<ProbeResult>('send', { uplink, target, timeoutMs, path }, timeoutMs + 10_000);
  }

  /** Samples the main table's default routes for `ms` after `delayMs`; counts samples that had none. */
  watchDefaults(ms: number, delayMs: number): Promise<{ samples: number; without4: number; without6: number }> {
    return this.agent.call('watchDefaults', { ms, delayMs }, ms + delayMs + 10_000);
  }

  stop(): Promise<void> {
    return this.agent.stop();
  }
}
