/** The adapter's own error: a switch step that failed, and whether it was rolled back. */
import { WanwatchError } from '@wanwatch/core';

/** The steps of an activation, in order. */
export type ActivationStep =
  | 'stale-routes'
  | 'linkup-start'
  | 'reconfigure'
  | 'address'
  | 'newip'
  | 'default-route'
  | 'release-previous'
  | 'ipv6'
  | 'gateway-route';

/**
 * An activation failed at `step`. `rolledBack` says whether the new WAN was
 * taken down again (and the previous route restored) so that nothing is
 * left half-changed; the underlying command error (with its stderr) is the
 * `cause`.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof OpnsenseSwitchError) log(`${err.step}: ${err.message}`); }
 * ```
 */
export class OpnsenseSwitchError extends WanwatchError {
  readonly step: ActivationStep;
  readonly rolledBack: boolean;

  constructor(uplink: string, step: ActivationStep, rolledBack: boolean, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      'E_ACTIVATE_FAILED',
      `activating ${uplink} failed at ${step}: ${why}${rolledBack ? ' (rolled back)' : ' (rollback failed too)'}`,
      { uplink, cause },
    );
    this.step = step;
    this.rolledBack = rolledBack;
  }
}
