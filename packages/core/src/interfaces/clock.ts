import { TimeoutError } from '../errors.js';
import { timerDelay } from '../common/limits.js';

/** Opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly __timer: unique symbol } | object;

/**
 * Time as the engine sees it. The engine never reads `Date` or calls the
 * global timers itself, so a test can drive it with sinon's fake timers (the
 * {@link systemClock} follows them) or any other scheduler.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; unknown or fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The process clock. It looks the global timer functions up on every call,
 * so sinon fake timers installed after this module loaded still apply. A
 * delay beyond Node's longest timer (2³¹−1 ms) throws a RangeError instead
 * of firing after 1 ms.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, timerDelay(ms)),
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};

/**
 * Resolves or rejects like `work`, but rejects with a {@link TimeoutError}
 * naming `what` if it has not settled after `timeoutMs`. `onTimeout` runs
 * first, e.g. to abort the work.
 */
export function withTimeout<T>(
  clock: Clock,
  work: Promise<T>,
  timeoutMs: number,
  what: string,
  onTimeout?: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => {
      onTimeout?.();
      reject(new TimeoutError(what, timeoutMs));
    }, timeoutMs);
    work.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clock.clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** A promise that resolves after `ms` on `clock`. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
