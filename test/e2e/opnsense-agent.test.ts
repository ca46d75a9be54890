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
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, type TrafficMeter } from '@wanwatch/netlab';
import type { StatusResult } from '@wanwatch/agent';
import { FakeBsd, type FakeInterface } from '../../packages/opnsense/test/emulation/fake-bsd.js';
import { LabAgent, labConfig, type LabUplinkSpec } from '../support/lab-agent.js';
import { effectiveDevice } from '../support/routes.js';

const TWO: LabUplinkSpec[] = [
  { name: 'fiber', index: 1 },
  { name: 'lte', index: 2 },
];
const active = (name: string) => (s: StatusResult) => s.active === name && !s.busy;

/** The emulated box's view of the lab router: wan1 = `wan` (up, holding the routes), wan2 = `opt1`. */
function boxOn(lab: Lab): FakeBsd {
  const wan = (i: number, name: string): FakeInterface => {
    const u = lab.uplink(i);
    return {
      name,
      up: true,
      ipv4: [{ address: u.address4, bits: 24, dynamic: true }],
      ipv6: [{ address: u.address6, bits: 64, dynamic: true }],
      lease4: { address: u.address4, bits: 24, gateway: u.gateway4 },
      lease6: { address: u.address6, bits: 64, gateway: u.gateway6 },
    };
  };
  const u1 = lab.uplink(1);
  return new FakeBsd({
    interfaces: { [u1.device]: wan(1, 'wan'), [lab.uplink(2).device]: wan(2, 'opt1') },
    routes: {
      inet: { gateway: u1.gateway4, interface: u1.device },
      inet6: { gateway: u1.gateway6, interface: u1.device },
    },
    services: { rtsold: true, dhcp6c: true, radvd: true },
    sysctl: { 'net.pfsync.carp_demotion_factor': '0' },
    faults: {},
    lab: lab.ns.router,
  });
}

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
    box = boxOn(lab);
    // Singleton: the standby WAN is dark, as the adapter leaves it.
    assert.equal(box.run('configctl', 'interface', 'linkup', 'stop', lab.uplink(2).device).code, 0);
    box.clearCalls();
    const configXml = join(box.dir, 'config.xml');
    writeFileSync(
      configXml,
      `<opnsense><interfaces><wan><if>${lab.uplink(1).device}</if></wan><opt1><if>${lab.uplink(2).device}</if></opt1></interfaces></opnsense>\n`,
    );
    const bin = box.bin;
    agent = await LabAgent.start(lab, (dir) =>
      labConfig(lab, dir, TWO, {
        platform: 'opnsense',
        opnsense: { mode: 'singleton', commandPath: [bin], configXml, routeTimeout: '1s' },
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
    const changes = box.changes();
    assert.deepEqual(changes.slice(0, 3), [
      `configctl interface linkup start ${lab.uplink(2).device}`,
      'configctl interface reconfigure opt1',
      `configctl interface linkup stop ${lab.uplink(1).device}`,
    ]);
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
