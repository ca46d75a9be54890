/**
 * Making an uplink the active one: `ip route replace default …` in the
 * main table at wanwatch's metric, IPv4 then IPv6. `replace` swaps the
 * route in one netlink message, so there is a default route at every
 * instant (make before break); nothing here ever deletes the last one.
 *
 * The two families move together when they can. If IPv6 cannot move after
 * IPv4 did:
 * - when the uplink left still works (a failback, a manual switch, a
 *   trial, hold, forbid or role change), IPv4 is put back exactly as it was
 *   and the activation fails with `E_ACTIVATE_FAILED`, naming the IPv6
 *   command and its stderr: the engine stays on the old uplink with both
 *   families, and retries later;
 * - when the uplink left is down or unknown (`failover`, `initial`,
 *   `rollback`), IPv4 stays on the new uplink, because working IPv4 is
 *   worth more than keeping two dead families together, and the IPv6
 *   failure is logged as a warning.
 */
import { WanwatchError, type ActivateContext, type SwitchReason } from '@wanwatch/core';
import { CommandError, type CommandRunner } from '@wanwatch/exec';
import type { ManagedUplink } from '../options.js';
import {
  asDefaultRoute,
  describeRoute,
  isRoute,
  ownMainRoute,
  routeCommand,
  shadowingRoute,
  type DefaultRoute,
} from '../routes/default-route.js';
import type { RouteEntry } from '../state/ip-json.js';

/** Reasons after which the uplink left is expected to work: an IPv6 failure puts IPv4 back there. */
const PREVIOUS_WORKS: ReadonlySet<SwitchReason> = new Set(['failback', 'manual', 'trial', 'hold', 'forbid', 'role']);

/** What an activation needs. */
export interface ActivationInput {
  readonly uplink: ManagedUplink;
  readonly context: ActivateContext;
  /** Default routes of every table, read just before. */
  readonly routes: { readonly 4: readonly RouteEntry[]; readonly 6: readonly RouteEntry[] };
  /** The routes to install per family; null when the uplink cannot carry the family now. */
  readonly wanted: { readonly 4: DefaultRoute | null; readonly 6: DefaultRoute | null };
  readonly metric: number;
  readonly runner: CommandRunner;
  readonly warn: (message: string) => void;
  readonly info: (message: string) => void;
}

function failed(input: ActivationInput, message: string, cause?: unknown): WanwatchError {
  return new WanwatchError('E_ACTIVATE_FAILED', `activating ${input.uplink.id}: ${message}`, {
    uplink: input.uplink.id,
    cause,
  });
}

function checkAborted(input: ActivationInput): void {
  if (input.context.signal.aborted) throw failed(input, 'aborted (the activation took too long)');
}

/** Why `family` cannot move to the uplink, or null when it can (or need not). */
function obstacle(input: ActivationInput, family: 4 | 6): string | null {
  const { uplink, wanted, metric, routes } = input;
  if (wanted[family] === null) {
    const setting = uplink.gateway[family].kind;
    if (setting === 'unset') return null;
    return setting === 'auto'
      ? `no IPv${family} gateway known (gateway${family === 6 ? '6' : ''}: auto, and no default route on ${uplink.device} in any table)`
      : `no IPv${family} route possible on ${uplink.device}`;
  }
  const shadow = shadowingRoute(routes[family], metric, uplink.device);
  if (shadow)
    return `the route "${describeRoute(shadow)}" is not wanwatch's and wins over wanwatch's metric ${metric}; give wanwatch a lower metric or remove that route`;
  return null;
}

/** Replaces the default route of `family` with `route`, unless it is already exactly that. */
async function replace(input: ActivationInput, route: DefaultRoute): Promise<boolean> {
  const current = ownMainRoute(input.routes[route.family], input.metric);
  if (current && isRoute(current, route)) return false;
  checkAborted(input);
  await input.runner.run(routeCommand('replace', route, { metric: input.metric }), {
    signal: input.context.signal,
    code: 'E_ACTIVATE_FAILED',
    uplink: input.uplink.id,
  });
  return true;
}

/** Puts wanwatch's IPv4 default route back as it was before `added` replaced it. */
async function putBack(input: ActivationInput, added: DefaultRoute): Promise<string> {
  const before = ownMainRoute(input.routes[4], input.metric);
  const previous = before ? asDefaultRoute(before) : null;
  // No abort signal: the activation's time may be up, and leaving IPv4 half-moved would be worse.
  if (previous) {
    await input.runner.run(routeCommand('replace', previous, { metric: input.metric }));
    return `IPv4 put back on ${describeRoute(previous)}`;
  }
  await input.runner.run(routeCommand('del', added, { metric: input.metric }));
  return 'the IPv4 route wanwatch had just added removed again';
}

/** Runs one activation; see the file's comment for what happens when a step fails. */
export async function activateRoutes(input: ActivationInput): Promise<void> {
  const { uplink, context, wanted } = input;
  checkAborted(input);
  const problem4 = obstacle(input, 4);
  if (problem4 !== null) throw failed(input, problem4);
  if (wanted[4] === null && wanted[6] === null)
    throw failed(input, `neither an IPv4 nor an IPv6 gateway is known for ${uplink.device}`);

  let moved4: DefaultRoute | null = null;
  if (wanted[4] !== null) {
    try {
      if (await replace(input, wanted[4])) moved4 = wanted[4];
    } catch (err) {
      throw failed(input, describe(err), err);
    }
  }

  try {
    const problem6 = obstacle(input, 6);
    if (problem6 !== null) throw new Error(problem6);
    if (wanted[6] !== null) await replace(input, wanted[6]);
    else input.info(`wanwatch linux: ${uplink.id} has no IPv6 gateway: the IPv6 default route is left as it is`);
  } catch (err) {
    const why = `the IPv6 default route could not move: ${describe(err)}`;
    const previous = context.previous;
    // An IPv6-only uplink has nothing to keep.
    if (wanted[4] === null) throw failed(input, why, err);
    if (previous && previous.id !== uplink.id && PREVIOUS_WORKS.has(context.reason)) {
      if (moved4 === null) throw failed(input, `${why} (IPv4 was on ${uplink.id} already)`, err);
      let undo: string;
      try {
        undo = await putBack(input, moved4);
      } catch (undoErr) {
        undo = `putting IPv4 back failed too: ${describe(undoErr)}`;
      }
      throw failed(input, `${why}; ${undo}, so that both families stay on ${previous.id}`, err);
    }
    input.warn(
      `wanwatch linux: ${uplink.id} carries IPv4, but ${why} (kept IPv4 on ${uplink.id}: the switch is a ${context.reason})`,
    );
  }
}

function describe(err: unknown): string {
  if (err instanceof CommandError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
