/**
 * What the adapter needs from the box, in one object: the command runner,
 * configctl, routes, interface reads, the gateway OPNsense recorded for a
 * device, bounded waits, and the log. The switch steps take this.
 */
import { TimeoutError, WanwatchError } from '@wanwatch/core';
import { Configctl } from './bsd/configctl.js';
import { parseIfconfig, type IfconfigInterface } from './bsd/ifconfig.js';
import { Routes } from './bsd/routes.js';
import type { CommandRunner } from '@wanwatch/exec';
import type { CommandName, OpnsenseLogger } from './options.js';

export class BsdSystem {
  readonly configctl: Configctl;
  readonly routes: Routes;

  constructor(
    readonly runner: CommandRunner,
    readonly commands: Readonly<Record<CommandName, string>>,
    private readonly logger: OpnsenseLogger | undefined,
  ) {
    this.configctl = new Configctl(runner, commands.configctl);
    this.routes = new Routes(runner, commands);
  }

  /** Every interface `ifconfig -a` shows. */
  async interfaces(signal?: AbortSignal): Promise<Map<string, IfconfigInterface>> {
    const r = await this.runner.run([this.commands.ifconfig, '-a'], { signal });
    return new Map(parseIfconfig(r.stdout).map((i) => [i.device, i]));
  }

  /** One interface, or undefined when `ifconfig` says it does not exist. */
  async interface(device: string, signal?: AbortSignal): Promise<IfconfigInterface | undefined> {
    const r = await this.runner.run([this.commands.ifconfig, device], { signal }).catch((err: unknown) => {
      if (err instanceof Error && /does not exist/.test(err.message)) return null;
      throw err;
    });
    return r === null ? undefined : parseIfconfig(r.stdout)[0];
  }

  /** The router OPNsense recorded for `device` (dhclient / rtsold via ifctl), or null. */
  async recordedGateway(device: string, family: 4 | 6, signal?: AbortSignal): Promise<string | null> {
    const r = await this.runner
      .run([this.commands.ifctl, '-i', device, family === 4 ? '-4r' : '-6r'], { signal })
      .catch(() => null);
    const gw = r?.stdout.trim().split('\n')[0]?.trim();
    if (!gw) return null;
    return family === 6 && /^fe80:/i.test(gw) && !gw.includes('%') ? `${gw}%${device}` : gw;
  }

  /** Polls `check` every `everyMs` until it returns a value; a TimeoutError naming `what` after `limitMs`. */
  async waitFor<T>(
    what: string,
    check: () => Promise<T | undefined>,
    limitMs: number,
    everyMs: number,
    signal?: AbortSignal,
  ): Promise<T> {
    const end = performance.now() + limitMs;
    for (;;) {
      if (signal?.aborted) throw new WanwatchError('E_TIMEOUT', `${what}: aborted`);
      const value = await check();
      if (value !== undefined) return value;
      if (performance.now() >= end) throw new TimeoutError(what, limitMs);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  warn(message: string): void {
    this.logger?.warn(`wanwatch opnsense: ${message}`);
  }

  info(message: string): void {
    this.logger?.info?.(`wanwatch opnsense: ${message}`);
  }
}

/** Text of any thrown value. */
export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
