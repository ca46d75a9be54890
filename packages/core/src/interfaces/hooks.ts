/** When a hook runs: before the adapter switches, or after the switch ended. */
export type HookPhase = 'pre' | 'post';

/** What a hook run produced. */
export interface HookOutcome {
  /** True when the hook exited 0 (or there is no hook for the phase). */
  readonly ok: boolean;
  /** Exit code, when the hook ran to an exit. */
  readonly exitCode?: number | undefined;
  /** Why it failed, when it did: its stderr, a timeout, a spawn error. */
  readonly error?: string | undefined;
}

/**
 * Runs operator hooks (the agent runs executables with execa). The engine
 * passes the documented environment (see `hookEnvironment`) and a time
 * limit; a hook that outlives it must be killed and reported as failed.
 */
export interface HookRunner {
  run(phase: HookPhase, env: Readonly<Record<string, string>>, timeoutMs: number): Promise<HookOutcome>;
}
