/** HA role of this box. Only a master activates uplinks. */
export type Role = 'master' | 'backup';

/**
 * Where the HA role comes from (CARP, keepalived…). wanwatch never elects a
 * master itself. A standalone box has no role source and is always master.
 *
 * @example
 * ```ts
 * const fixed: RoleSource = { current: async () => 'master', subscribe: () => () => {} };
 * ```
 */
export interface RoleSource {
  /** The role now (read at start-up). */
  current(): Promise<Role>;
  /** Calls `listener` on every role change; returns an unsubscribe function. */
  subscribe(listener: (role: Role) => void): () => void;
}
