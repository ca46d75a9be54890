/**
 * Fails probes in flight as soon as their device loses carrier or goes
 * away, instead of letting them run into their timeout: while any probe of
 * a device is in flight, that device's state is read every `pollMs` (one
 * timer per device, not per probe), so a carrier loss is reported within
 * about that time even for a probe sent just before it.
 */
import type { ProbeResult } from '@wanwatch/core';
import type { LinkCache } from './device.js';
import { fail, failErrno } from './outcome.js';

interface Watched {
  readonly inFlight: Set<(failure: ProbeResult) => void>;
  timer: NodeJS.Timeout | null;
}

export class LinkGuard {
  private readonly devices = new Map<string, Watched>();

  constructor(
    private readonly links: LinkCache,
    private readonly pollMs = 100,
  ) {}

  /**
   * Runs `probe`, but resolves with `ENETDOWN`/`ENODEV` as soon as `device`
   * fails (the probe itself then ends at its own timeout, unobserved).
   * `device` null runs it unguarded. Costs one callback per probe: no
   * AbortController or AbortSignal.any, which a thousand probes a second
   * would turn into garbage.
   */
  run(device: string | null, probe: () => Promise<ProbeResult>): Promise<ProbeResult> {
    if (device === null) return probe();
    const watched = this.watch(device);
    return new Promise<ProbeResult>((resolve) => {
      let done = false;
      const finish = (result: ProbeResult) => {
        if (done) return;
        done = true;
        watched.inFlight.delete(onFailure);
        if (watched.inFlight.size === 0) this.unwatch(device, watched);
        resolve(result);
      };
      const onFailure = (result: ProbeResult) => finish(result);
      watched.inFlight.add(onFailure);
      probe().then(finish, (err: unknown) => finish(fail('error', String(err))));
    });
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
    if (this.devices.get(device) === w) this.devices.delete(device);
  }

  private check(device: string, w: Watched): void {
    this.links.invalidate(device);
    const link = this.links.get(device);
    const failure = !link.exists
      ? failErrno('ENODEV', `${device} disappeared`)
      : !link.up
        ? failErrno('ENETDOWN', `${device} went down`)
        : !link.carrier
          ? failErrno('ENETDOWN', `${device} lost carrier`)
          : null;
    if (failure) for (const failNow of [...w.inFlight]) failNow(failure);
  }

  /** Stops every timer. */
  close(): void {
    for (const [device, w] of this.devices) this.unwatch(device, w);
  }
}
