import assert from 'node:assert/strict';
import { ipIn, Lab } from '@wanwatch/netlab';
import { lossOf, ProbeHost, rtts, uplinkOf } from './support/lab-probe.js';

describe('ICMP probes in the lab (native backend)', function () {
  this.timeout(30_000);
  let lab: Lab;
  let host: ProbeHost;
  let t4: string[];
  let t6: string[];
  before(async () => {
    lab = await Lab.create({ uplinks: 2, services: false });
    host = await ProbeHost.start(lab);
    t4 = lab.targets4(3);
    t6 = lab.targets6(3);
  });
  afterEach(() => lab.faults.clearAll());
  after(async () => {
    await host?.stop();
    await lab?.destroy();
  });

  it('uses the native backend when the addon loads', async () => {
    assert.equal(await host.backend(), 'native');
  });

  for (const family of [4, 6] as const) {
    it(`probes targets and the gateway out of the non-default uplink (IPv${family})`, async () => {
      const uplink = uplinkOf(lab, 2, family);
      const targets = family === 4 ? t4 : t6;
      const results = await host.sendMany(
        [...targets, 'gateway', `icmp:${targets[0]}`].map((target) => ({ target, uplink })),
      );
      assert.deepEqual(
        results.map((r) => r.ok),
        [true, true, true, true, true],
      );
      // A measured round trip, not the timeout; the bound leaves room for a busy CI machine.
      for (const rtt of rtts(results)) assert.ok(rtt > 0 && rtt < 250, `rtt ${rtt}`);
    });

    it(`sees a dead non-default uplink as dead while the default one works, and the reverse (IPv${family})`, async () => {
      const targets = family === 4 ? t4 : t6;
      const probeBoth = () =>
        host.sendMany([1, 2].map((i) => ({ target: targets[0]!, uplink: uplinkOf(lab, i, family), timeoutMs: 300 })));
      let fault = await lab.faults.upstreamBlackhole(2);
      let [wan1, wan2] = await probeBoth();
      assert.equal(wan1!.ok, true, 'default uplink works');
      assert.deepEqual(wan2, { ok: false, reason: 'timeout', detail: 'timeout' });
      await fault.clear();
      fault = await lab.faults.upstreamBlackhole(1);
      [wan1, wan2] = await probeBoth();
      assert.deepEqual(wan1, { ok: false, reason: 'timeout', detail: 'timeout' });
      assert.equal(wan2!.ok, true, 'the non-default uplink works with the default one dead');
    });
  }

  it("follows the main routing table for path 'default', and does not bind to the uplink's device", async () => {
    await lab.faults.upstreamBlackhole(1);
    const viaDefault = { target: t4[0]!, uplink: uplinkOf(lab, 2), path: 'default' as const, timeoutMs: 300 };
    assert.deepEqual(
      await host.send(viaDefault),
      { ok: false, reason: 'timeout', detail: 'timeout' },
      'wan1 carries the default route',
    );
    await lab.setDefaultUplink(2);
    try {
      assert.equal((await host.send(viaDefault)).ok, true);
    } finally {
      await lab.setDefaultUplink(1);
    }
  });

  it('reports a silent target among live ones, and the round takes about one timeout', async () => {
    await lab.faults.targetSilent(t4[1]!);
    const uplink = uplinkOf(lab, 2);
    const start = performance.now();
    const results = await host.sendMany(t4.map((target) => ({ target, uplink, timeoutMs: 400 })));
    const took = performance.now() - start;
    assert.deepEqual(
      results.map((r) => r.ok),
      [true, false, true],
    );
    assert.deepEqual(results[1], { ok: false, reason: 'timeout', detail: 'timeout' });
    assert.ok(took >= 380 && took < 1000, `round took ${took} ms`);
  });

  it('measures random loss within a few percent of the injected rate', async () => {
    await lab.faults.randomLoss(2, 30);
    const uplink = uplinkOf(lab, 2);
    const results = [];
    // 2,000 probes: σ of the measured share is 1.0 %, so ±4 % fails about once in 10,000 runs.
    for (let batch = 0; batch < 10; batch++) {
      results.push(
        ...(await host.sendMany(
          Array.from({ length: 200 }, (_, k) => ({ target: lab.targets4(200)[k]!, uplink, timeoutMs: 250 })),
        )),
      );
    }
    const loss = lossOf(results);
    assert.ok(Math.abs(loss - 0.3) <= 0.04, `measured ${(loss * 100).toFixed(1)} % loss`);
    assert.ok(results.every((r) => r.ok || r.detail === 'timeout'));
  });

  it('sees injected latency and jitter in the RTT of that uplink only', async () => {
    await lab.faults.latency({ delayMs: 80, jitterMs: 10, uplink: 2 });
    const slow = await host.sendMany(t4.map((target) => ({ target, uplink: uplinkOf(lab, 2), timeoutMs: 1000 })));
    const fast = await host.sendMany(t4.map((target) => ({ target, uplink: uplinkOf(lab, 1), timeoutMs: 1000 })));
    assert.equal(rtts(slow).length, 3);
    for (const rtt of rtts(slow)) assert.ok(rtt >= 68 && rtt <= 160, `rtt ${rtt} with 80 ± 10 ms added`);
    for (const rtt of rtts(fast)) assert.ok(rtt < 60, `rtt ${rtt} on the other uplink`);
  });

  it('reports carrier loss at once, and probes again when the carrier returns', async () => {
    const s = { target: t4[0]!, uplink: uplinkOf(lab, 2), timeoutMs: 1000 };
    assert.equal((await host.send(s)).ok, true);
    const fault = await lab.faults.carrierLoss(2);
    const down = await host.until(s, false, 20, 2000);
    // In flight when the carrier went ("lost carrier") or sent after ("has no carrier"): never a timeout.
    assert.equal(down.result.ok, false);
    assert.match(!down.result.ok ? down.result.detail : '', /^ENETDOWN: wan2 (lost|has no) carrier$/);
    assert.ok(down.elapsedMs < 1000, `carrier loss seen after ${down.elapsedMs} ms, not at the 1 s timeout`);
    await fault.clear();
    const up = await host.until(s, true, 20, 3000);
    assert.equal(up.result.ok, true);
  });

  it('recovers without a restart when the device is removed and created again', async () => {
    const s = { target: t4[0]!, uplink: uplinkOf(lab, 2), timeoutMs: 500 };
    const s6 = { target: t6[0]!, uplink: uplinkOf(lab, 2, 6), timeoutMs: 500 };
    const pid = await host.pid();
    assert.equal((await host.send(s)).ok, true);
    assert.equal((await host.send(s6)).ok, true);
    await lab.removeUplinkDevice(2);
    try {
      const gone = await host.send(s);
      assert.equal(gone.ok, false);
      assert.match(!gone.ok ? gone.detail : '', /^ENODEV/);
    } finally {
      await lab.restoreUplinkDevice(2);
    }
    const back = await host.until(s, true, 50, 3000);
    assert.equal(back.result.ok, true, JSON.stringify(back));
    assert.equal((await host.until(s6, true, 50, 3000)).result.ok, true);
    assert.equal(await host.pid(), pid, 'the same prober, not a restarted one');
  });

  it('reports ENETUNREACH at once when there is no route, and EHOSTUNREACH when a router says so', async () => {
    const uplink = uplinkOf(lab, 2);
    await ipIn(lab.ns.router, ['-4', 'route', 'del', 'default']);
    try {
      const start = performance.now();
      const r = await host.send({ target: t4[0]!, uplink, path: 'default', timeoutMs: 2000 });
      assert.deepEqual(r, { ok: false, reason: 'unreachable', detail: 'ENETUNREACH' });
      assert.ok(performance.now() - start < 1000, 'long before the 2 s timeout');
    } finally {
      await lab.setDefaultUplink(1);
    }
    const isp = lab.uplink(2).ispNamespace;
    await ipIn(isp, ['-4', 'route', 'add', 'unreachable', '203.0.113.0/24']);
    try {
      const r = await host.send({ target: '203.0.113.10', uplink, timeoutMs: 2000 });
      assert.deepEqual(r, {
        ok: false,
        reason: 'unreachable',
        detail: `EHOSTUNREACH: destination unreachable (from ${lab.uplink(2).gateway4})`,
      });
    } finally {
      await ipIn(isp, ['-4', 'route', 'del', 'unreachable', '203.0.113.0/24']);
    }
  });

  it('honours the TTL: with TTL 1 the gateway answers "time exceeded"', async () => {
    const ttl1 = await ProbeHost.start(lab, { icmp: { ttl: 1 } });
    try {
      const r = await ttl1.send({ target: t4[0]!, uplink: uplinkOf(lab, 2) });
      assert.deepEqual(r, {
        ok: false,
        reason: 'unreachable',
        detail: `ttl exceeded (from ${lab.uplink(2).gateway4})`,
      });
    } finally {
      await ttl1.stop();
    }
  });
});
