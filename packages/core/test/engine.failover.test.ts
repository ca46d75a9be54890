import assert from 'node:assert/strict';
import { cleanupRigs, running, rig, uplinks, TARGETS, type Rig } from './helpers.js';

describe('engine: failover', () => {
  let r: Rig;
  afterEach(cleanupRigs);

  it('carries no traffic before an uplink passes its probes, then starts on the preferred one', async () => {
    r = rig();
    await r.engine.start();
    assert.equal(r.engine.status().active, null);
    await r.tick(1_000);
    assert.equal(r.net.route, null, 'one good round is not enough to trust an uplink');
    await r.until(() => r.engine.status().active !== null, 10_000);
    assert.equal(r.engine.status().active, 'fiber');
    assert.equal(r.net.route, 'fiber');
    assert.equal(r.switches[0]?.reason, 'initial');
  });

  it('waits for a slower preferred uplink at start-up instead of taking the first one up', async () => {
    r = rig();
    r.net.set('fiber', { rttMs: 350, jitterMs: 1 });
    await r.engine.start();
    await r.until(() => r.engine.status().uplinks.some((u) => u.state === 'up'), 10_000);
    assert.equal(r.engine.status().uplinks.find((u) => u.state === 'up')?.id, 'lte', 'lte is measured first');
    await r.until(() => r.engine.status().active !== null, 10_000);
    assert.equal(r.engine.status().active, 'fiber');
    assert.equal(r.switches.length, 1);
  });

  it('fails over within 1.5 s of an upstream blackhole on the active uplink', async () => {
    r = await running();
    await r.tick(5_000);
    const t0 = Date.now();
    r.net.set('fiber', { dead: true });
    const took = await r.until(() => r.engine.status().active === 'lte', 5_000);
    assert.equal(r.engine.status().active, 'lte');
    assert.ok(took <= 1_500, `failover took ${took} ms`);
    const sw = r.switches.at(-1)!;
    assert.equal(sw.reason, 'failover');
    assert.equal(sw.from, 'fiber');
    assert.ok(sw.at - t0 <= 1_500);
    assert.equal(r.engine.status().uplinks.find((u) => u.id === 'fiber')?.state, 'down');
  });

  it('fails over at once when the active uplink loses carrier', async () => {
    r = await running();
    await r.tick(5_000);
    r.net.setCarrier('fiber', 'down');
    const took = await r.until(() => r.engine.status().active === 'lte', 2_000, 1);
    assert.ok(took <= 50, `carrier failover took ${took} ms`);
    const state = r.states.find((s) => s.uplink === 'fiber' && s.to === 'down');
    assert.match(state?.reason ?? '', /carrier/);
  });

  it('does not fail over on 20 % random loss with three targets, and says the uplink is degraded', async () => {
    r = await running();
    r.net.set('fiber', { lossPct: 20 });
    await r.tick(60 * 60_000);
    assert.equal(r.engine.status().active, 'fiber');
    assert.equal(r.switches.length, 1, 'only the initial switch');
    const fiber = r.engine.status().uplinks.find((u) => u.id === 'fiber')!;
    assert.equal(fiber.state, 'degraded');
    assert.ok(fiber.metrics.lossPct! > 5, `pooled loss ${fiber.metrics.lossPct}`);
  });

  it('fails over when a lossy uplink then dies', async () => {
    r = await running();
    r.net.set('fiber', { lossPct: 20 });
    await r.tick(5 * 60_000);
    assert.equal(r.engine.status().active, 'fiber');
    r.net.set('fiber', { dead: true });
    const took = await r.until(() => r.engine.status().active === 'lte', 5_000);
    assert.ok(took <= 1_500, `took ${took} ms`);
  });

  it('fails over when loss stays beyond the failure threshold even though some probes answer', async () => {
    r = await running();
    r.net.set('fiber', { lossPct: 70 });
    await r.until(() => r.engine.status().active === 'lte', 60_000);
    assert.equal(r.engine.status().active, 'lte');
    const down = r.states.find((s) => s.uplink === 'fiber' && s.to === 'down');
    assert.ok(down, 'fiber went down');
  });

  it('fails over when latency climbs beyond the failure threshold', async () => {
    r = await running({ settings: { probe: { timeoutMs: 2000 } } });
    r.net.set('fiber', { rttMs: 950, jitterMs: 10 });
    await r.until(() => r.engine.status().active === 'lte', 60_000);
    assert.equal(r.engine.status().active, 'lte');
    const down = r.states.find((s) => s.uplink === 'fiber' && s.to === 'down');
    assert.match(down?.reason ?? '', /latency|jitter/);
  });

  it('ignores a silent target while the others answer', async () => {
    r = await running();
    r.net.set('fiber', { silentTargets: [TARGETS[0]!] });
    await r.tick(10 * 60_000);
    assert.equal(r.engine.status().active, 'fiber');
    const fiber = r.engine.status().uplinks.find((u) => u.id === 'fiber')!;
    assert.equal(fiber.state, 'up');
    assert.equal(fiber.targets.find((t) => t.target === TARGETS[0])?.lossPct, 100);
  });

  it('skips a dead middle uplink and goes to the third', async () => {
    r = await running({ uplinks: uplinks(['fiber', 10], ['dsl', 20], ['lte', 30]) });
    r.net.set('dsl', { dead: true });
    await r.tick(5_000);
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte', 5_000);
    assert.deepEqual(
      r.switches.map((s) => s.to),
      ['fiber', 'lte'],
    );
  });

  it('keeps the current route and says so when every uplink is down', async () => {
    r = await running();
    const decisions: string[] = [];
    r.engine.on('decision', (e) => decisions.push(e.decision.kind === 'stay' ? e.decision.reason : 'switch'));
    r.net.set('fiber', { dead: true });
    r.net.set('lte', { dead: true });
    await r.tick(60_000);
    assert.ok(r.net.route !== null, 'a default route is still in place');
    assert.equal(r.engine.status().active, r.net.route);
    assert.ok(decisions.includes('no-usable-uplink'));
    assert.ok(r.switches.length <= 2, 'no switching between dead uplinks');
  });

  it('never chooses an uplink whose device does not exist: down, "no such device"', async () => {
    // fiber's interface is missing (a typo, a modem not plugged in): every probe finds no device.
    let net: Rig['net'] | null = null;
    r = rig({
      engine: {
        probe: {
          send: (req) =>
            req.uplink.id === 'fiber'
              ? Promise.resolve({ ok: false, reason: 'no-device', detail: 'ENODEV: eth9 does not exist' })
              : net!.probe.send(req),
        },
      },
    });
    net = r.net;
    const decisions: string[] = [];
    r.engine.on('decision', (e) => decisions.push(e.decision.detail));
    await r.engine.start();
    await r.until(() => r.engine.status().active !== null, 10_000);
    const fiber = r.engine.status().uplinks.find((u) => u.id === 'fiber')!;
    assert.equal(fiber.state, 'down');
    assert.match(fiber.reason, /^no such device: eth9 does not exist$/);
    assert.equal(r.engine.status().active, 'lte');
    assert.deepEqual(
      r.switches.map((s) => s.to),
      ['lte'],
    );
    assert.ok(!decisions.some((d) => /fiber is the best usable/.test(d)), decisions.join('\n'));
    // With lte dead too, a missing device is still no candidate: the route stays.
    r.net.set('lte', { dead: true });
    await r.tick(30_000);
    assert.deepEqual(
      r.switches.map((s) => s.to),
      ['lte'],
    );
  });

  it('measures IPv4 and IPv6 targets alike', async () => {
    const mixed = [
      { id: 'fiber', priority: 10, targets: ['192.0.2.10', '2001:db8::53'] },
      { id: 'lte', priority: 20, targets: ['198.51.100.53', '2001:db8:1::1'] },
    ];
    r = await running({ uplinks: mixed });
    const fiber = r.engine.status().uplinks.find((u) => u.id === 'fiber')!;
    assert.deepEqual(
      fiber.targets.map((t) => t.target),
      ['192.0.2.10', '2001:db8::53'],
    );
    assert.ok(fiber.targets.every((t) => t.samples > 0 && t.rttMs !== null));
    r.net.set('fiber', { silentTargets: ['192.0.2.10'] });
    await r.tick(30_000);
    assert.equal(r.engine.status().active, 'fiber', 'IPv6 alone keeps the uplink up');
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte', 5_000);
    assert.equal(r.engine.status().active, 'lte');
  });

  it('probes faster while an uplink is failing', async () => {
    r = await running();
    await r.tick(10_000);
    const steady = r.net.sent.get('fiber:uplink') ?? 0;
    await r.tick(10_000);
    const steadyRate = (r.net.sent.get('fiber:uplink') ?? 0) - steady;
    r.net.set('lte', { lossPct: 100 });
    r.net.set('fiber', { dead: true });
    const before = r.net.sent.get('fiber:uplink') ?? 0;
    await r.tick(800);
    const failingCount = (r.net.sent.get('fiber:uplink') ?? 0) - before;
    // Steady: a round of 3 probes every ~500 ms. Failing: rounds back to back at the 200 ms timeout.
    assert.ok(steadyRate >= 55 && steadyRate <= 65, `steady ${steadyRate} probes in 10 s`);
    assert.ok(failingCount >= 9, `${failingCount} probes in 800 ms while failing`);
  });
});
