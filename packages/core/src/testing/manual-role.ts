import type { Role, RoleSource } from '../interfaces/role.js';

/**
 * A {@link RoleSource} set by hand, for tests of HA behaviour.
 *
 * @example
 * ```ts
 * const role = new ManualRole('master');
 * role.set('backup'); // the engine enters backup
 * ```
 */
export class ManualRole implements RoleSource {
  private readonly listeners = new Set<(role: Role) => void>();

  constructor(private role: Role = 'master') {}

  async current(): Promise<Role> {
    return this.role;
  }

  subscribe(listener: (role: Role) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes the role and tells subscribers. */
  set(role: Role): void {
    this.role = role;
    for (const l of this.listeners) l(role);
  }
}
