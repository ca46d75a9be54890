/**
 * Running a role change: read, decide (role-routing.ts), run. A failed route
 * via the peer fails the step (the engine reports it and the box stays as
 * it is); a stale route that will not go is only a warning.
 */
import { WanwatchError } from '@wanwatch/core';
import type { CommandRunner } from '@wanwatch/exec';
import type { IpReader } from '../state/ip-json.js';
import {
  masterCommands,
  peerRouteCommands,
  staleRouteDeletes,
  uplinksDownCommands,
  type HaRouting,
} from './role-routing.js';

/** What a role change needs. */
export interface RoleStepInput {
  readonly ha: HaRouting;
  readonly metric: number;
  readonly devices: readonly string[];
  readonly ip: IpReader;
  readonly runner: CommandRunner;
  readonly signal: AbortSignal;
  readonly warn: (message: string) => void;
}

async function routes(input: RoleStepInput) {
  const [r4, r6] = await Promise.all([
    input.ip.defaultRoutes(4, input.signal),
    input.ip.defaultRoutes(6, input.signal),
  ]);
  return { 4: r4, 6: r6 };
}

/** Makes the box `role`. */
export async function enterRole(role: 'master' | 'backup', input: RoleStepInput): Promise<void> {
  const { ha, metric, runner, signal } = input;
  const links = await input.ip.links(signal);
  if (role === 'master') {
    for (const argv of masterCommands(ha, await routes(input), metric, input.devices, links))
      await runner.run(argv, { signal });
    return;
  }
  for (const argv of peerRouteCommands(ha, await routes(input), metric)) {
    try {
      await runner.run(argv, { signal });
    } catch (err) {
      throw new WanwatchError('E_ADAPTER', `backup: routing via the master failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  for (const argv of staleRouteDeletes(ha, await routes(input), metric))
    await runner
      .run(argv, { signal })
      .catch((err: unknown) => input.warn(`wanwatch linux: backup: ${(err as Error).message}`));
  for (const argv of uplinksDownCommands(ha, input.devices, links)) await runner.run(argv, { signal });
}
