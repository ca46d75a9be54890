/**
 * Fails probes in flight as soon as their device loses carrier or goes
 * away, instead of letting them run into their timeout: while any probe of
 * a device is in flight, that device's state is read every `pollMs` (one
 * timer per device, not per probe), so a carrier loss is reported within
 * about that time even for a probe sent just before it.
 */
import type { ProbeResult } from '@wanwatch/core';
import type { LinkCache } from './device.js';
import { fail } from './outcome.js';

interface Watched {
  readonly inFlight: Set<(reason: string) => void>;
  timer: NodeJS.Timeout | null;
}

export class LinkGuard {
  private readonly devices = new Map<string, Watched>();

  constructor(
    private readonly links: LinkCache,
    private readonly pollMs = 100,
  ) {}

  /**
   * Runs `probe` with a signal that aborts when `device` fails; the result
   * is then `ENETDOWN`/`ENODEV` at once. `device` null runs it unguarded.
   */
  async run(
    device: string | null,
    signal: AbortSignal | undefined,
    probe: (signal: AbortSignal | undefined) => Promise<ProbeResult>,
  ): Promise<ProbeResult> {
    if (device === null) return probe(signal);
    const controller = new AbortController();
    let reason: string | null = null;
    const onFailure = (why: string) => {
      reason = why;
      controller.abort();
    };
    const watched = this.watch(device);
    watched.inFlight.add(onFailure);
    try {
      const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
      const result = await probe(combined);
      return reason !== null && !result.ok ? fail(reason) : result;
    } finally {
      watched.inFlight.delete(onFailure);
      if (watched.inFlight.size === 0) this.unwatch(device, watched);
    }
  }

  private watch(device: string): Watched {
    let w = this.devices.get(device);
    if (!w) {
      w = { inFlight: new Set(), timer: null };
      this.devices.set(device, w);
      const watched = w;
      w.timer = setInterval(() => this.check(device, watched), this.pollMs);
      w.timer.unref();
    }
    return w;
  }

  private unwatch(device: string, w: Watched): void {
    if (w.timer) clearInterval(w.timer);
    w.timer = null;
    this.devices.delete(device);
  }

  private check(device: string, w: Watched): void {
    this.links.invalidate(device);
    const link = this.links.get(device);
    const why = !link.exists
      ? `ENODEV: ${device} disappeared`
      : !link.up
        ? `ENETDOWN: ${device} went down`
        : !link.carrier
          ? `ENETDOWN: ${device} lost carrier`
          : null;
    if (why) for (const failNow of [...w.inFlight]) failNow(why);
  }

  /** Stops every timer. */
  close(): void {
    for (const [device, w] of this.devices) this.unwatch(device, w);
  }
}
