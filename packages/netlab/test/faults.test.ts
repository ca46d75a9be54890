import assert from 'node:assert/strict';
import { Lab } from '../src/lab.js';
import { ipIn } from '../src/exec.js';
import { NetlabError } from '../src/errors.js';
import { pings, reaches } from './helpers.js';

describe('netlab faults, each reversible', function () {
  this.timeout(30_000);
  let lab: Lab;
  let t4: string;
  let other4: string;
  before(async () => {
    lab = await Lab.create({ uplinks: 2, services: false });
    [t4, other4] = lab.targets4(2) as [string, string];
  });
  afterEach(() => lab.faults.clearAll());
  after(() => lab?.destroy());

  it('carrier loss: the router sees no carrier on the uplink, and carrier again after clear', async () => {
    const state = async () => {
      const { stdout } = await ipIn(lab.ns.router, ['-j', 'link', 'show', 'wan2']);
      const link = (JSON.parse(stdout) as { operstate: string; flags: string[] }[])[0]!;
      return link.flags.includes('NO-CARRIER') ? 'no carrier' : link.operstate;
    };
    const fault = await lab.faults.carrierLoss(2);
    assert.equal(await state(), 'no carrier');
    assert.equal(await reaches(lab.ns.router, 'wan2', t4), false);
    await fault.clear();
    assert.equal(await state(), 'UP');
    assert.ok(await reaches(lab.ns.router, 'wan2', t4));
  });

  it('gateway dead: not even the gateway answers; clear brings it back', async () => {
    const fault = await lab.faults.gatewayDead(2);
    assert.equal(await reaches(lab.ns.router, 'wan2', lab.uplink(2).gateway4), false);
    assert.equal(await reaches(lab.ns.router, 'wan2', t4), false);
    assert.ok(await reaches(lab.ns.router, 'wan1', t4), 'the other uplink is untouched');
    await fault.clear();
    assert.ok(await reaches(lab.ns.router, 'wan2', lab.uplink(2).gateway4));
  });

  it('upstream blackhole: the gateway answers, the internet does not', async () => {
    const fault = await lab.faults.upstreamBlackhole(2);
    assert.ok(await reaches(lab.ns.router, 'wan2', lab.uplink(2).gateway4), 'gateway (IPv4) answers');
    assert.ok(await reaches(lab.ns.router, 'wan2', lab.uplink(2).gateway6), 'gateway (IPv6) answers');
    assert.equal(await reaches(lab.ns.router, 'wan2', t4), false);
    await fault.clear();
    assert.ok(await reaches(lab.ns.router, 'wan2', t4));
  });

  it('random loss drops about the given share, and nothing after clear', async () => {
    const fault = await lab.faults.randomLoss(2, 40);
    const lossy = await pings(lab.ns.router, ['-q', '-c', '400', '-i', '0.002', '-W', '1', '-I', 'wan2', t4]);
    // 400 trials at p = 0.6: σ ≈ 9.8 packets; ±40 is four σ.
    assert.ok(Math.abs(lossy.received - 240) <= 40, `${lossy.received} of 400 answered`);
    await fault.clear();
    const clean = await pings(lab.ns.router, ['-q', '-c', '100', '-i', '0.002', '-W', '1', '-I', 'wan2', t4]);
    assert.equal(clean.received, 100);
  });

  it('a silent target does not answer while the others do', async () => {
    const fault = await lab.faults.targetSilent(t4);
    assert.equal(await reaches(lab.ns.router, 'wan1', t4), false);
    assert.ok(await reaches(lab.ns.router, 'wan1', other4));
    await fault.clear();
    assert.ok(await reaches(lab.ns.router, 'wan1', t4));
  });

  it('a rate-limited target answers only so many echo requests a second', async () => {
    const fault = await lab.faults.icmpRateLimit(t4, 5, 1);
    const limited = await pings(lab.ns.router, ['-q', '-c', '40', '-i', '0.01', '-W', '1', '-I', 'wan1', t4]);
    // 40 requests over 0.4 s at 5/s, burst 1: about 3 answers.
    assert.ok(limited.received >= 1 && limited.received <= 6, `${limited.received} answered`);
    await fault.clear();
    const free = await pings(lab.ns.router, ['-q', '-c', '40', '-i', '0.01', '-W', '1', '-I', 'wan1', t4]);
    assert.equal(free.received, 40);
  });

  it('latency with jitter shows in the round-trip time, on the chosen uplink only', async () => {
    const fault = await lab.faults.latency({ delayMs: 60, jitterMs: 10, uplink: 2 });
    const slow = await pings(lab.ns.router, ['-c', '5', '-i', '0.05', '-W', '1', '-I', 'wan2', t4]);
    const fast = await pings(lab.ns.router, ['-c', '5', '-i', '0.05', '-W', '1', '-I', 'wan1', t4]);
    assert.equal(slow.rttMs.length, 5);
    for (const rtt of slow.rttMs) assert.ok(rtt >= 49 && rtt <= 90, `rtt ${rtt}`);
    assert.ok(new Set(slow.rttMs.map(Math.round)).size > 1, 'jitter varies the delay');
    for (const rtt of fast.rttMs) assert.ok(rtt < 20, `rtt ${rtt} on the other uplink`);
    await fault.clear();
    const after = await pings(lab.ns.router, ['-c', '3', '-i', '0.05', '-W', '1', '-I', 'wan2', t4]);
    assert.equal(after.rttMs.length, 3);
    for (const rtt of after.rttMs) assert.ok(rtt < 20, `rtt ${rtt} after clear`);
  });

  it('refuses latency for IPv6 targets, which it cannot emulate', async () => {
    await assert.rejects(
      lab.faults.latency({ delayMs: 10, target: lab.targets6(1)[0]! }),
      (err: unknown) => err instanceof NetlabError && err.code === 'E_UNSUPPORTED',
    );
  });
});
