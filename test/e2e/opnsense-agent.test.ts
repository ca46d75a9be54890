/**
 * End to end through the OPNsense code path on a real data plane. OPNsense
 * cannot run here: the built `wanwatch` agent runs with `platform:
 * opnsense` in a netlab router namespace, and the emulated FreeBSD/OPNsense
 * commands it calls act on that namespace (`configctl interface linkup stop
 * wan1` flushes wan1's addresses and takes the link down, `reconfigure`
 * puts the lease's address and default route back, `rtsold_script.sh` the
 * IPv6 route). A LAN host streams UDP through the router; the outage of a
 * singleton failover and of the trial failback are measured. Loose guards
 * here; the figures are in examples/opnsense/README.md.
 */
import assert from 'node:assert/strict';
import { Lab, type TrafficMeter } from '@wanwatch/netlab';
import type { StatusResult } from '@wanwatch/agent';
import type { FakeBsd } from '../../packages/opnsense/test/emulation/fake-bsd.js';
import { LabAgent, labConfig, type LabUplinkSpec } from '../support/lab-agent.js';
import { opnsenseBoxOn } from '../support/opnsense-box.js';
import { effectiveDevice } from '../support/routes.js';

const TWO: LabUplinkSpec[] = [
  { name: 'fiber', index: 1 },
  { name: 'lte', index: 2 },
];
const active = (name: string) => (s: StatusResult) => s.active === name && !s.busy;

describe('the wanwatch agent on an emulated OPNsense (singleton mode, namespaces, real packets)', function () {
  this.timeout(120_000);
  let lab: Lab;
  let box: FakeBsd | undefined;
  let agent: LabAgent | undefined;
  let meter: TrafficMeter | undefined;

  before(async () => {
    lab = await Lab.create({ uplinks: 2, probeRouting: false, defaultRouteMetric: 100 });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && agent) console.log(agent.lines.slice(-40).join('\n'));
    await meter?.abort();
    await agent?.dispose();
    box?.dispose();
    await lab.faults.clearAll();
  });
  after(async () => {
    await lab?.destroy();
  });

  it('fails over by linkup/reconfigure and fails back by a timed trial, with the outages measured', async () => {
    const made = opnsenseBoxOn(lab);
    box = made.box;
    const configXml = made.configXml;
    const bin = box.bin;
    agent = await LabAgent.start(lab, (dir) =>
      labConfig(lab, dir, TWO, {
        platform: 'opnsense',
        opnsense: { mode: 'singleton', commandPath: [bin], configXml, routeTimeout: '1s', releaseDelay: '2s' },
        probe: { interval: '200ms', failureInterval: '100ms', recoveryInterval: '200ms' },
        health: { down: 3, up: 3 },
        failback: { delay: '4s', minDwell: '0s', trialWindow: '5s' },
      }),
    );
    await agent.until('fiber active and up', (s) => active('fiber')(s) && s.uplinks[0]?.state === 'up', 20_000);
    assert.equal((await agent.status()).standbyProbing, false);

    meter = await lab.startMeter({ intervalMs: 5 });
    const fault = await lab.faults.upstreamBlackhole(1);
    await agent.until('failover to lte', active('lte'), 15_000);
    assert.equal(await effectiveDevice(lab, 4), lab.uplink(2).device);
    await new Promise((r) => setTimeout(r, 500));
    const outage = await meter.stop();
    meter = undefined;
    assert.deepEqual(box.changes().slice(0, 2), [
      `configctl interface linkup start ${lab.uplink(2).device}`,
      'configctl interface reconfigure opt1',
    ]);
    const release = `configctl interface linkup stop ${lab.uplink(1).device}`;
    await agent.until('fiber released', () => box!.changes().includes(release), 10_000);
    assert.ok(outage.longestGapMs > 200 && outage.longestGapMs < 5_000, `failover outage ${outage.longestGapMs} ms`);

    meter = await lab.startMeter({ intervalMs: 5 });
    await fault.clear();
    await agent.until('failback to fiber', active('fiber'), 30_000);
    await agent.until('fiber proven', (s) => s.trial === null && s.uplinks[0]?.state === 'up', 15_000);
    assert.equal(await effectiveDevice(lab, 4), lab.uplink(1).device);
    assert.equal(await effectiveDevice(lab, 6), lab.uplink(1).device);
    const failback = await meter.stop();
    meter = undefined;
    assert.ok(failback.longestGapMs < 3_000, `failback interrupted traffic for ${failback.longestGapMs} ms`);
    console.log(
      `      opnsense singleton (emulated): failover outage ${Math.round(outage.longestGapMs)} ms, failback gap ${Math.round(failback.longestGapMs)} ms`,
    );
  });
});
