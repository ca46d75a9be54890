/**
 * A clock of virtual time for the demo: timers run in time order when the
 * clock is advanced, with the promise jobs they start settled between them,
 * so minutes of engine time pass in a moment and no global timer is faked.
 */
import type { Clock, TimerHandle } from '@wanwatch/core';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private next = 1;

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.next++, at: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as { id?: number }).id;
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Runs every timer due within `ms`, in order, then sets the time to the end. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await settle();
    for (;;) {
      let first: Timer | undefined;
      for (const t of this.timers)
        if (t.at <= end && (!first || t.at < first.at || (t.at === first.at && t.id < first.id))) first = t;
      if (!first) break;
      const due = first;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
      await settle();
    }
    this.time = end;
  }
}
