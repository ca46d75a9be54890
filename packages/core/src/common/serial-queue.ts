/**
 * Runs asynchronous work one piece at a time, in the order it was queued.
 * A piece that fails rejects its own promise only: the pieces after it run
 * as if it had succeeded. The daemon (reloads and stops), the file state
 * store (writes) and the adapters (every change to the system) each keep
 * one, so that an event-driven repair never interleaves with a switch.
 *
 * @example
 * ```ts
 * const queue = new SerialQueue();
 * await Promise.all([queue.run(() => write('a')), queue.run(() => write('b'))]); // a, then b
 * ```
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after everything queued before it has settled; settles as `work` does. */
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once everything queued so far has settled (never rejects). */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
