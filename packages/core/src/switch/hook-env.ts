/**
 * The environment a pre/post hook receives. mwan3 passes three variables;
 * a hook here gets enough to act on without asking the agent anything.
 *
 * | variable | value |
 * |---|---|
 * | `WANWATCH_PHASE` | `pre` or `post` |
 * | `WANWATCH_SWITCH_ID` | sequence number of the switch since the agent started |
 * | `WANWATCH_REASON` | `initial`, `failover`, `failback`, `trial`, `rollback`, `manual`, `hold`, `forbid`, `role` |
 * | `WANWATCH_DETAIL` | the decision in words |
 * | `WANWATCH_TRIAL` | `1` when the new uplink is not yet measured and is on trial, else `0` |
 * | `WANWATCH_FROM`, `WANWATCH_TO` | uplink ids (`FROM` empty when nothing was active) |
 * | `WANWATCH_FROM_INTERFACE`, `WANWATCH_TO_INTERFACE` | devices, when configured |
 * | `WANWATCH_FROM_GATEWAY`, `WANWATCH_TO_GATEWAY` | IPv4 gateways, when configured |
 * | `WANWATCH_FROM_GATEWAY6`, `WANWATCH_TO_GATEWAY6` | IPv6 gateways, when configured |
 * | `WANWATCH_FROM_STATE`, `WANWATCH_TO_STATE` | `unknown`, `up`, `degraded`, `down` |
 * | `WANWATCH_FROM_REASON`, `WANWATCH_TO_REASON` | why the uplink is in that state, in words |
 * | `WANWATCH_FROM_RTT_MS`, `WANWATCH_TO_RTT_MS` | deciding mean RTT, empty if unmeasured |
 * | `WANWATCH_FROM_LOSS_PCT`, `WANWATCH_TO_LOSS_PCT` | deciding loss |
 * | `WANWATCH_FROM_JITTER_MS`, `WANWATCH_TO_JITTER_MS` | deciding jitter |
 * | `WANWATCH_ROLE` | `master` or `backup` |
 * | `WANWATCH_TIME` | ISO 8601 time of the hook run |
 * | `WANWATCH_RESULT` | post only: `ok` or `failed` |
 * | `WANWATCH_ERROR` | post only, on failure: the error in one line |
 */
import type { UplinkMetrics } from '../health/level.js';
import type { SwitchReason } from '../interfaces/adapter.js';
import type { HookPhase } from '../interfaces/hooks.js';
import type { Role } from '../interfaces/role.js';
import type { Uplink, UplinkState } from '../uplink.js';

/** One side of a switch, as the hook sees it. */
export interface HookSide {
  readonly uplink: Uplink;
  readonly state: UplinkState;
  /** Why the uplink is in that state. */
  readonly reason: string;
  readonly metrics: UplinkMetrics;
}

/** Everything a hook environment is made from. */
export interface HookContext {
  readonly phase: HookPhase;
  readonly switchId: number;
  readonly reason: SwitchReason;
  readonly detail: string;
  readonly trial: boolean;
  readonly from: HookSide | null;
  readonly to: HookSide;
  readonly role: Role;
  readonly at: number;
  /** Post only. */
  readonly result?: { readonly ok: boolean; readonly error?: string | undefined } | undefined;
}

const num = (n: number | null): string => (n === null ? '' : String(Math.round(n * 10) / 10));

function side(prefix: 'FROM' | 'TO', s: HookSide | null): Record<string, string> {
  return {
    [`WANWATCH_${prefix}`]: s?.uplink.id ?? '',
    [`WANWATCH_${prefix}_INTERFACE`]: s?.uplink.interface ?? '',
    [`WANWATCH_${prefix}_GATEWAY`]: s?.uplink.gateway ?? '',
    [`WANWATCH_${prefix}_GATEWAY6`]: s?.uplink.gateway6 ?? '',
    [`WANWATCH_${prefix}_STATE`]: s?.state ?? '',
    [`WANWATCH_${prefix}_REASON`]: s?.reason ?? '',
    [`WANWATCH_${prefix}_RTT_MS`]: num(s?.metrics.rttMs ?? null),
    [`WANWATCH_${prefix}_LOSS_PCT`]: num(s?.metrics.lossPct ?? null),
    [`WANWATCH_${prefix}_JITTER_MS`]: num(s?.metrics.jitterMs ?? null),
  };
}

/** Builds the documented hook environment. */
export function hookEnvironment(c: HookContext): Record<string, string> {
  const env: Record<string, string> = {
    WANWATCH_PHASE: c.phase,
    WANWATCH_SWITCH_ID: String(c.switchId),
    WANWATCH_REASON: c.reason,
    WANWATCH_DETAIL: c.detail,
    WANWATCH_TRIAL: c.trial ? '1' : '0',
    ...side('FROM', c.from),
    ...side('TO', c.to),
    WANWATCH_ROLE: c.role,
    WANWATCH_TIME: new Date(c.at).toISOString(),
  };
  if (c.result) {
    env.WANWATCH_RESULT = c.result.ok ? 'ok' : 'failed';
    if (c.result.error) env.WANWATCH_ERROR = c.result.error;
  }
  return env;
}
