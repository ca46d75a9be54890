/**
 * The traffic meter: how every outage is measured. The LAN host sends a
 * numbered UDP stream through the router to the internet; the receiver
 * reports every gap (see gaps.ts for the exact definition).
 *
 * @example
 * ```ts
 * const meter = await lab.startMeter({ intervalMs: 5 });
 * const fault = await lab.faults.carrierLoss(1);
 * // … failover happens …
 * const report = await meter.stop();
 * console.log(report.longestGapMs, report.gaps);
 * ```
 */
import { SERVICES } from './addresses.js';
import { Agent } from './agent.js';
import type { MeterReport } from './gaps.js';
import { agentScript } from './scripts.js';
import type { LabNamespaces } from './topology.js';

/** Meter settings. */
export interface MeterOptions {
  /** Time between packets. Default 5 ms. */
  readonly intervalMs?: number;
  /** Shorter silences are not gaps. Default 25 ms (5 intervals), above timer noise on a busy machine. */
  readonly minGapMs?: number;
  /** Stream over IPv4 (default) or IPv6. */
  readonly family?: 4 | 6;
}

/** Longest wait for packets in flight when the meter stops. */
const DRAIN_MS = 300;

/** A running traffic meter. */
export class TrafficMeter {
  private stopped = false;
  private readonly stopListeners: (() => void)[] = [];

  private constructor(
    private readonly sender: Agent,
    private readonly receiver: Agent,
    private readonly minGapMs: number,
  ) {}

  /** Starts a stream; resolves once packets flow from the sender. */
  static async start(ns: LabNamespaces, options: MeterOptions = {}): Promise<TrafficMeter> {
    const intervalMs = options.intervalMs ?? 5;
    if (!(intervalMs >= 1 && intervalMs <= 1000)) throw new RangeError('intervalMs must be 1…1000');
    const address = options.family === 6 ? SERVICES.v6 : SERVICES.v4;
    const port = String(SERVICES.meterPort);
    const receiver = await Agent.start({
      ns: ns.inet,
      script: agentScript('meter-receiver'),
      args: [address, port],
      name: 'meter receiver',
    });
    let sender: Agent;
    try {
      sender = await Agent.start({
        ns: ns.lan,
        script: agentScript('meter-sender'),
        args: [address, port, String(intervalMs)],
        name: 'meter sender',
      });
    } catch (err) {
      await receiver.stop();
      throw err;
    }
    await sender.call('start');
    return new TrafficMeter(sender, receiver, options.minGapMs ?? Math.max(25, 5 * intervalMs));
  }

  /** Packets received so far. */
  received(): Promise<number> {
    return this.receiver.call<number>('count');
  }

  /** Stops the stream and returns what it measured. */
  async stop(): Promise<MeterReport> {
    this.stopped = true;
    try {
      const sent = await this.sender.call<{ sent: number; firstSendMs: number; lastSendMs: number }>('stop');
      const deadline = Date.now() + DRAIN_MS;
      let last = -1;
      // Wait for packets in flight: until all arrived or the count stops moving (bounded by DRAIN_MS).
      for (let k = 0; k < 50 && Date.now() < deadline; k++) {
        const count = await this.received();
        if (count >= sent.sent || count === last) break;
        last = count;
        await new Promise((r) => setTimeout(r, 20));
      }
      return await this.receiver.call<MeterReport>('report', { ...sent, minGapMs: this.minGapMs });
    } finally {
      await this.abort();
    }
  }

  /** Stops both agents without a report. */
  async abort(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.sender.stop(), this.receiver.stop()]);
    for (const l of this.stopListeners.splice(0)) l();
  }

  /** Called once when the meter is stopped or aborted. */
  onStop(listener: () => void): void {
    this.stopListeners.push(listener);
  }
}

/** The meters a lab started, so that destroying the lab stops those still running. */
export class MeterSet {
  private readonly running = new Set<TrafficMeter>();

  /** Starts a meter (see {@link TrafficMeter.start}) and keeps it until it stops. */
  async start(ns: LabNamespaces, options: MeterOptions = {}): Promise<TrafficMeter> {
    const meter = await TrafficMeter.start(ns, options);
    this.running.add(meter);
    meter.onStop(() => this.running.delete(meter));
    return meter;
  }

  /** Aborts every meter still running. Never throws. */
  async abortAll(): Promise<void> {
    for (const m of [...this.running]) await m.abort().catch(() => undefined);
  }
}
