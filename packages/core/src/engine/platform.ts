/**
 * The adapter and the HA role source as the engine calls them: every call
 * has the activation time limit, and a failure becomes a warning and `null`,
 * never an exception (the engine goes on with what it knows).
 */
import { WanwatchError, describeError } from '../errors.js';
import type { Adapter } from '../interfaces/adapter.js';
import { withTimeout, type Clock } from '../interfaces/clock.js';
import type { Probe } from '../interfaces/probe.js';
import type { Role, RoleSource } from '../interfaces/role.js';
import type { Uplink } from '../uplink.js';

export class Platform {
  constructor(
    private readonly adapter: Adapter,
    private readonly roleSource: RoleSource | undefined,
    private readonly uplinks: readonly Uplink[],
    private readonly clock: Clock,
    private readonly limitMs: number,
    private readonly warn: (error: WanwatchError) => void,
  ) {}

  /** Runs `call` with the time limit (aborting it then); a failure is a warning and `null`. */
  private async call<T>(what: string, call: (signal: AbortSignal) => Promise<T>, uplink?: string): Promise<T | null> {
    const abort = new AbortController();
    try {
      return await withTimeout(this.clock, call(abort.signal), this.limitMs, what, () => abort.abort());
    } catch (err) {
      this.warn(new WanwatchError('E_ADAPTER', `${what} failed: ${describeError(err)}`, { uplink, cause: err }));
      return null;
    }
  }

  /** Which uplink holds the default route, as the system says (null: none, or it could not say). */
  discover(what: string): Promise<string | null> {
    return this.call(what, () => this.adapter.discover(this.uplinks));
  }

  prepareProbing(u: Uplink): Promise<void | null> {
    return this.call(`preparing probes of ${u.id}`, () => this.adapter.prepareProbing(u), u.id);
  }

  /** Lets the adapter make the route it found its own (optional for adapters). */
  async adopt(u: Uplink): Promise<void> {
    const adapter = this.adapter;
    if (adapter.adopt) await this.call(`adopting ${u.id}`, (signal) => adapter.adopt!(u, { signal }), u.id);
  }

  /** Tells the adapter this box is now `role` (optional for adapters). */
  async enterRole(role: Role, active: Uplink | null): Promise<void> {
    await this.call(`entering ${role} role`, (signal) => {
      const context = { uplinks: this.uplinks, active, signal };
      const step = role === 'backup' ? this.adapter.enterBackup?.(context) : this.adapter.enterMaster?.(context);
      return step ?? Promise.resolve();
    });
  }

  /** The HA role now; master without a role source, or when it cannot say. */
  async role(): Promise<Role> {
    if (!this.roleSource) return 'master';
    try {
      return await this.roleSource.current();
    } catch (err) {
      this.warn(new WanwatchError('E_ADAPTER', `role unknown, assuming master: ${describeError(err)}`, { cause: err }));
      return 'master';
    }
  }

  /** Subscribes to role changes; returns the unsubscribe function, if there is a role source. */
  followRole(onRole: (role: Role) => void): (() => void) | null {
    return this.roleSource ? this.roleSource.subscribe(onRole) : null;
  }

  /** Subscribes to carrier reports; returns the unsubscribe function, if the adapter reports them. */
  followLinks(onLink: (uplink: string, carrier: 'up' | 'down') => void): (() => void) | null {
    return this.adapter.linkEvents ? this.adapter.linkEvents((e) => onLink(e.uplink, e.carrier)) : null;
  }

  /** Releases the adapter and the probe (routing stays as it is); a failure is a warning. */
  async close(probe: Probe): Promise<void> {
    try {
      await this.adapter.close();
      await probe.close?.();
    } catch (err) {
      this.warn(new WanwatchError('E_ADAPTER', `closing failed: ${describeError(err)}`, { cause: err }));
    }
  }
}
