/**
 * Two routers with keepalived and a wanwatch agent each, in an HA lab:
 * router 1 is the preferred master (priority 150), router 2 the backup
 * (100); the track-file weight (−60) puts a master whose uplinks are all
 * down below a healthy backup. VRRP adverts every 0.3 s, so the master-down
 * timer is about 1 s.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HA_LAN, type HaLab, type Keepalived } from '@wanwatch/netlab';
import type { StatusResult } from '@wanwatch/agent';
import { LabAgent, waitFor } from './lab-agent.js';

export const PRIORITY = { 1: 150, 2: 100 } as const;
export const TRACK_WEIGHT = -60;
export const ADVERT_INT = 0.3;

/** Per-router options of a test. */
export interface RouterOptions {
  readonly backupMode?: 'down' | 'unused';
  readonly nopreempt?: boolean;
  /** VRRP advert interval in seconds. Default {@link ADVERT_INT}. */
  readonly advertInt?: number;
}

/** keepalived and the agent of one router. */
export class HaBox {
  keepalived: Keepalived | null = null;
  agent: LabAgent | null = null;
  constructor(
    readonly lab: HaLab,
    readonly k: 1 | 2,
    readonly options: RouterOptions = {},
  ) {}

  get dir(): string {
    return join(this.lab.dir, `r${this.k}`);
  }

  get trackFile(): string {
    return join(this.dir, 'track');
  }

  async startKeepalived(nopreempt = this.options.nopreempt ?? false): Promise<Keepalived> {
    await mkdir(this.dir, { recursive: true });
    this.keepalived = await this.lab.keepalived(this.k, {
      priority: PRIORITY[this.k],
      advertInt: this.options.advertInt ?? ADVERT_INT,
      nopreempt,
      trackFile: { file: this.trackFile, weight: TRACK_WEIGHT },
    });
    return this.keepalived;
  }

  /** Output of this box's earlier agents (a restarted agent starts a new list). */
  readonly history: string[] = [];

  async startAgent(): Promise<LabAgent> {
    if (this.agent) this.history.push(...this.agent.lines, '--- restarted');
    const router = this.lab.router(this.k);
    const ka = this.keepalived!;
    this.agent = await LabAgent.start({ ns: { router: router.ns } }, (dir) => ({
      platform: 'linux',
      control: { socket: join(dir, 'wanwatch.sock') },
      state: join(dir, 'state'),
      log: { level: 'info', format: 'text', summary: '0s' },
      failback: { delay: '3s', minDwell: '0s' },
      ha: {
        keepalived: {
          fifo: ka.fifo,
          instance: 'LAN',
          pidFile: ka.pidFile,
          virtualAddresses: [HA_LAN.vip4, HA_LAN.vip6],
          debounce: '100ms',
        },
        peer4: HA_LAN.vip4,
        peer6: HA_LAN.vip6,
        lanInterface: router.lanDevice,
        backupMode: this.options.backupMode ?? 'unused',
        trackFile: this.trackFile,
      },
      uplinks: [
        {
          name: `isp${this.k}`,
          interface: router.uplink.device,
          gateway: router.uplink.gateway4,
          gateway6: router.uplink.gateway6,
          targets: ['198.51.100.10', '198.51.100.11', '2001:db8:d::10'],
        },
      ],
    }));
    return this.agent;
  }

  /** Waits until the agent reports `role` (and, as master, its uplink active). */
  role(role: 'master' | 'backup', timeoutMs = 15_000): Promise<StatusResult> {
    return this.agent!.until(
      `router ${this.k} ${role}`,
      (s) => s.role === role && !s.busy && (role === 'backup' || s.active === `isp${this.k}`),
      timeoutMs,
    );
  }

  /** Kills keepalived and the agent (SIGKILL) and, with `link`, takes the LAN link down: the router is gone. */
  async crash(link: boolean): Promise<void> {
    await this.agent?.crash();
    await this.keepalived?.kill();
    if (link) await this.lab.setLanLink(this.k, 'down');
  }

  async dispose(): Promise<void> {
    await this.agent?.dispose();
    this.agent = null;
    await this.keepalived?.kill();
    this.keepalived = null;
  }
}

/** Waits until the virtual address is held by exactly `k`. */
export function vipOn(lab: HaLab, k: 1 | 2, timeoutMs = 10_000): Promise<true> {
  return waitFor(
    `the virtual address on router ${k} alone`,
    async () => {
      const h = await lab.holders();
      return h.length === 1 && h[0] === k ? true : undefined;
    },
    timeoutMs,
    50,
  );
}
