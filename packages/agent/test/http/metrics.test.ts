import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { VERSION } from '@wanwatch/agent';
import { startHttpAgent, type HttpAgent } from '../support/http-agent.js';

type Families = ReturnType<typeof parsePrometheusTextFormat>;

/** The value of `name{labels}`, or undefined when the series is absent. */
function value(families: Families, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  const series = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return series === undefined ? undefined : Number(series.value);
}

const close = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) < 1e-9;

describe('/metrics', function () {
  this.timeout(30_000);
  let agent: HttpAgent;
  before(async () => {
    agent = await startHttpAgent();
  });
  after(async () => {
    await agent?.stop();
  });

  it('parses as Prometheus text and matches the engine state at the scrape', async () => {
    const res = await agent.call('metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const served = parsePrometheusTextFormat(await res.text());
    assert.equal(value(served, 'wanwatch_build_info', { version: VERSION }), 1);

    // Status and scrape at the same instant (the gauges are read from the status at the scrape).
    const engine = agent.daemon.engine()!;
    const st = engine.status();
    const families = parsePrometheusTextFormat(await agent.daemon.metrics.text());
    for (const u of st.uplinks) {
      assert.equal(value(families, 'wanwatch_uplink_active', { uplink: u.id }), u.active ? 1 : 0, u.id);
      assert.equal(value(families, 'wanwatch_uplink_state', { uplink: u.id, state: u.state }), 1, u.id);
      assert.equal(value(families, 'wanwatch_uplink_state', { uplink: u.id, state: 'down' }), 0, u.id);
      assert.equal(value(families, 'wanwatch_uplink_priority', { uplink: u.id }), u.priority);
      assert.ok(close(value(families, 'wanwatch_uplink_rtt_seconds', { uplink: u.id }), u.metrics.rttMs! / 1000), u.id);
      assert.ok(close(value(families, 'wanwatch_uplink_loss_ratio', { uplink: u.id }), u.metrics.lossPct! / 100), u.id);
      assert.ok(
        close(value(families, 'wanwatch_uplink_jitter_seconds', { uplink: u.id }), u.metrics.jitterMs! / 1000),
        u.id,
      );
      assert.equal(value(families, 'wanwatch_uplink_penalty', { uplink: u.id }), u.penalty);
      // Every round of this engine went through the hub (attached before start).
      const rounds = families
        .find((f) => f.name === 'wanwatch_probe_rounds_total')!
        .metrics.filter((m) => m.labels?.uplink === u.id)
        .reduce((sum, m) => sum + Number(m.value), 0);
      assert.equal(rounds, u.rounds, `${u.id} rounds`);
      assert.ok(value(families, 'wanwatch_probes_total', { uplink: u.id, result: 'answered' })! >= u.rounds);
    }
    assert.equal(value(families, 'wanwatch_master'), 1);
    assert.equal(value(families, 'wanwatch_switches_total'), undefined, 'no switch yet');
  });

  it('counts switches by reason and result, and shows the failback countdown', async () => {
    const post = (path: string, json?: unknown) =>
      agent.call(path, { method: 'POST', token: true, ...(json === undefined ? {} : { json }) });
    assert.equal((await post('api/v1/failover', { to: 'lte' })).status, 200);
    assert.equal((await post('api/v1/failback')).status, 200);
    assert.equal((await post('api/v1/failover', { to: 'lte' })).status, 200);
    const families = parsePrometheusTextFormat(await (await agent.call('metrics')).text());
    assert.equal(value(families, 'wanwatch_switches_total', { reason: 'manual', result: 'done' }), 2);
    assert.equal(value(families, 'wanwatch_switches_total', { reason: 'failback', result: 'done' }), 1);
    assert.equal(value(families, 'wanwatch_uplink_active', { uplink: 'lte' }), 1);
    // Manual switch away from the preferred uplink: failback waits for its delay (1 h in this config).
    const st = agent.daemon.engine()!.status();
    const remaining = value(families, 'wanwatch_failback_remaining_seconds', { uplink: 'fiber' });
    assert.ok(st.pendingFailback !== null && remaining !== undefined, 'a failback is pending');
    assert.ok(remaining > 3500 && remaining <= 3600, `remaining ${remaining}`);
  });

  it('the example Grafana dashboard queries only metrics the agent exports', async () => {
    const file = fileURLToPath(new URL('../../../../examples/grafana/wanwatch-dashboard.json', import.meta.url));
    const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exported = new Set(parsePrometheusTextFormat(await agent.daemon.metrics.text()).map((f) => f.name));
    // Counters a fresh agent has not incremented yet are declared but have no series: add them by HELP.
    for (const m of (await agent.daemon.metrics.registry.getMetricsAsJSON()).map((j) => j.name)) exported.add(m);
    const used = dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => t.expr.match(/wanwatch_\w+/g) ?? []);
    assert.ok(used.length >= 8, `the dashboard has ${used.length} queries`);
    for (const name of used) assert.ok(exported.has(name), `${name} is exported`);
  });
});
