import type { HookOutcome, HookPhase, HookRunner } from '../interfaces/hooks.js';

/** One recorded hook run. */
export interface HookCall {
  readonly phase: HookPhase;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * A {@link HookRunner} that records every run and answers with `outcome`
 * (or what `respond` returns), for tests.
 *
 * @example
 * ```ts
 * const hooks = new RecordingHooks();
 * // …after a switch:
 * expect(hooks.calls.map((c) => c.phase)).to.deep.equal(['pre', 'post']);
 * ```
 */
export class RecordingHooks implements HookRunner {
  readonly calls: HookCall[] = [];

  constructor(
    private readonly respond: (call: HookCall) => Promise<HookOutcome> = async () => ({ ok: true, exitCode: 0 }),
  ) {}

  run(phase: HookPhase, env: Readonly<Record<string, string>>, timeoutMs: number): Promise<HookOutcome> {
    const call = { phase, env, timeoutMs };
    this.calls.push(call);
    return this.respond(call);
  }
}
