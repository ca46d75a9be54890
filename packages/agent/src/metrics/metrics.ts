/**
 * `/metrics`: the agent in Prometheus' text format, through prom-client
 * (its own registry, not the global one, so an embedding program's metrics
 * never mix with ours).
 *
 * Gauges are read from the engine's status at each scrape (never stale);
 * counters count the hub's events for the life of the process (a reload
 * does not reset them). Seconds and ratios, as Prometheus' conventions ask.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Engine } from '@wanwatch/core';
import type { EventHub } from '../events/hub.js';
import { VERSION } from '../version.js';

/** Uplink states, one `wanwatch_uplink_state` series each. */
const STATES = ['unknown', 'up', 'degraded', 'down'] as const;

/**
 * @example
 * ```ts
 * const metrics = new AgentMetrics(hub, () => daemon.engine());
 * res.end(await metrics.text());
 * ```
 */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly contentType: string;
  private readonly g: Record<string, Gauge>;
  private readonly probes: Counter;
  private readonly rounds: Counter;
  private readonly switches: Counter;
  private readonly trials: Counter;

  constructor(
    hub: EventHub,
    private readonly engine: () => Engine | null,
  ) {
    this.contentType = this.registry.contentType;
    const registers = [this.registry];
    const gauge = (name: string, help: string, labelNames: string[] = ['uplink']) =>
      new Gauge({ name, help, labelNames, registers });
    new Gauge({
      name: 'wanwatch_build_info',
      help: 'wanwatch version (value 1)',
      labelNames: ['version', 'node'],
      registers,
    })
      .labels(VERSION, process.version)
      .set(1);
    this.g = {
      state: gauge('wanwatch_uplink_state', 'uplink state: 1 for the current one', ['uplink', 'state']),
      active: gauge('wanwatch_uplink_active', '1 for the uplink that carries traffic'),
      priority: gauge('wanwatch_uplink_priority', 'configured priority (lower is preferred)'),
      rtt: gauge('wanwatch_uplink_rtt_seconds', 'mean RTT over the health window (absent before an answer)'),
      loss: gauge('wanwatch_uplink_loss_ratio', 'probe loss over the health window, 0…1'),
      jitter: gauge('wanwatch_uplink_jitter_seconds', 'standard deviation of the RTT over the health window'),
      penalty: gauge('wanwatch_uplink_penalty', 'flap-dampening penalty now'),
      suppressed: gauge('wanwatch_uplink_suppressed', '1 while dampening keeps the uplink from being chosen'),
      failback: gauge('wanwatch_failback_remaining_seconds', 'time left of a pending failback (absent when none)'),
      master: gauge('wanwatch_master', '1 when this box is HA master (or standalone)', []),
      activeSince: gauge(
        'wanwatch_active_since_seconds',
        'start of the current active period, seconds since the epoch',
        [],
      ),
    };
    this.probes = new Counter({
      name: 'wanwatch_probes_total',
      help: 'probes sent, by result (answered, lost)',
      labelNames: ['uplink', 'result'],
      registers,
    });
    this.rounds = new Counter({
      name: 'wanwatch_probe_rounds_total',
      help: 'probe rounds, by level (good, fair, bad)',
      labelNames: ['uplink', 'level'],
      registers,
    });
    this.switches = new Counter({
      name: 'wanwatch_switches_total',
      help: 'switch transactions, by reason and result (done, failed)',
      labelNames: ['reason', 'result'],
      registers,
    });
    this.trials = new Counter({
      name: 'wanwatch_failback_trials_total',
      help: 'trial switches to an unmeasured uplink, by outcome (started, failed)',
      labelNames: ['uplink', 'outcome'],
      registers,
    });
    hub.on('probe', (p) => {
      this.probes.labels(p.uplink, 'answered').inc(p.answered);
      this.probes.labels(p.uplink, 'lost').inc(p.sent - p.answered);
      this.rounds.labels(p.uplink, p.level).inc();
    });
    hub.on('event', (e) => {
      const d = e.data as { reason?: string; trial?: boolean; step?: string };
      if (e.type === 'switch-done' || e.type === 'switch-failed')
        this.switches.labels(d.reason ?? 'unknown', e.type === 'switch-done' ? 'done' : 'failed').inc();
      if (e.type === 'switch-done' && d.trial === true) this.trials.labels(e.uplink ?? '', 'started').inc();
      if (e.type === 'switch-failed' && d.step === 'trial') this.trials.labels(e.uplink ?? '', 'failed').inc();
    });
  }

  private refresh(): void {
    for (const g of Object.values(this.g)) g.reset();
    const engine = this.engine();
    if (!engine) return;
    const st = engine.status();
    const { g } = this;
    g.master!.set(st.role === 'master' ? 1 : 0);
    if (st.activeSince !== null) g.activeSince!.set(st.activeSince / 1000);
    for (const u of st.uplinks) {
      for (const s of STATES) g.state!.labels(u.id, s).set(u.state === s ? 1 : 0);
      g.active!.labels(u.id).set(u.active ? 1 : 0);
      g.priority!.labels(u.id).set(u.priority);
      g.penalty!.labels(u.id).set(u.penalty);
      g.suppressed!.labels(u.id).set(u.suppressed ? 1 : 0);
      const m = u.metrics;
      if (m.rttMs !== null) g.rtt!.labels(u.id).set(m.rttMs / 1000);
      if (m.lossPct !== null) g.loss!.labels(u.id).set(m.lossPct / 100);
      if (m.jitterMs !== null) g.jitter!.labels(u.id).set(m.jitterMs / 1000);
    }
    const p = st.pendingFailback;
    if (p && p.remainingMs !== null) g.failback!.labels(p.uplink).set(p.remainingMs / 1000);
  }

  /** The exposition text now. */
  text(): Promise<string> {
    this.refresh();
    return this.registry.metrics();
  }
}
