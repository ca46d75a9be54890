/**
 * FreeBSD's default routes: read with `netstat -rnW -f inet|inet6` (one
 * `default <gateway> <flags> <netif>` line; FreeBSD has one default route
 * per family and FIB), changed the way OPNsense's `system_default_route()`
 * does it: `route delete -inet default` then `route add -inet default <gw>`.
 */
import type { CommandRunner } from '@wanwatch/exec';
import { CommandError } from '@wanwatch/exec';

/** The default route of one family. */
export interface DefaultRoute {
  readonly gateway: string;
  /** The interface (`Netif`) it leaves by. */
  readonly device: string;
}

/** The default routes of both families in `netstat -rn` output (its `Internet:` and `Internet6:` sections). */
export function parseDefaultRoutes(text: string): { 4: DefaultRoute | null; 6: DefaultRoute | null } {
  const at6 = text.search(/^Internet6:/m);
  const v4 = at6 < 0 ? text : text.slice(0, at6);
  const v6 = at6 < 0 ? '' : text.slice(at6);
  return { 4: parseDefaultRoute(v4), 6: parseDefaultRoute(v6) };
}

/** Parses one family's `netstat -rn -f inet|inet6` output; null when there is no default route. */
export function parseDefaultRoute(text: string): DefaultRoute | null {
  for (const line of text.split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w[0] !== 'default' || w.length < 4) continue;
    const gateway = w[1]!;
    const device = w[3]!;
    if (gateway.startsWith('link#')) continue;
    return { gateway, device };
  }
  return null;
}

/** The same next hop: same address, and the same scope when both name one (fe80::1%vtnet1 ≠ fe80::1%vtnet2). */
export function sameGateway(a: string, b: string): boolean {
  const [addrA = '', scopeA] = a.toLowerCase().split('%');
  const [addrB = '', scopeB] = b.toLowerCase().split('%');
  return addrA === addrB && (scopeA === undefined || scopeB === undefined || scopeA === scopeB);
}

/** Default-route reads and changes through `netstat` and `route`. */
export class Routes {
  constructor(
    private readonly runner: CommandRunner,
    private readonly commands: { readonly netstat: string; readonly route: string },
  ) {}

  /** Both families' default routes with one `netstat -rnW`. */
  async defaultRoutes(signal?: AbortSignal): Promise<{ 4: DefaultRoute | null; 6: DefaultRoute | null }> {
    const r = await this.runner.run([this.commands.netstat, '-rnW'], { signal });
    return parseDefaultRoutes(r.stdout);
  }

  async defaultRoute(family: 4 | 6, signal?: AbortSignal): Promise<DefaultRoute | null> {
    const fam = family === 4 ? 'inet' : 'inet6';
    const r = await this.runner.run([this.commands.netstat, '-rnW', '-f', fam], { signal });
    return parseDefaultRoute(r.stdout);
  }

  /** Deletes the default route of `family`; true when one was deleted, false when there was none. */
  async deleteDefault(family: 4 | 6, signal?: AbortSignal, uplink?: string): Promise<boolean> {
    try {
      await this.runner.run([this.commands.route, '-n', 'delete', family === 4 ? '-inet' : '-inet6', 'default'], {
        signal,
        uplink,
      });
      return true;
    } catch (err) {
      if (err instanceof CommandError && /not in table|has not been found/.test(err.stderr)) return false;
      throw err;
    }
  }

  /** Adds the default route of `family` via `gateway` (stale ones must be deleted first: "route already in table"). */
  async addDefault(family: 4 | 6, gateway: string, signal?: AbortSignal, uplink?: string): Promise<void> {
    await this.runner.run([this.commands.route, '-n', 'add', family === 4 ? '-inet' : '-inet6', 'default', gateway], {
      signal,
      uplink,
    });
  }

  /** Makes `gateway` the default route of `family`, deleting whatever was there; no-op when it already is. */
  async replaceDefault(family: 4 | 6, gateway: string, signal?: AbortSignal, uplink?: string): Promise<boolean> {
    const now = await this.defaultRoute(family, signal);
    if (now && sameGateway(now.gateway, gateway)) return false;
    if (now) await this.deleteDefault(family, signal, uplink);
    await this.addDefault(family, gateway, signal, uplink);
    return true;
  }
}
