/**
 * End to end through the IPFire code path, IPFire emulated: the built
 * `wanwatch` agent (platform ipfire) runs in a netlab router namespace
 * against an emulated IPFire root whose fake `network` script moves the
 * router's default route as RED comes up and down (PPPoE primary on wan1,
 * DHCP backup on wan2, QMI third on wan3). A LAN host streams UDP through
 * the router; failover and the dark-standby failback (a timed trial) are
 * measured on real packets. The agent is the single-file bundle (`npm run
 * bundle`), so its probes go through the system ping. Figures here are
 * loose guards.
 */
import assert from 'node:assert/strict';
import { Lab, ipIn, type TrafficMeter } from '@wanwatch/netlab';
import type { StatusResult } from '@wanwatch/agent';
import { IpfireRoot, ETHERNET_SETTINGS, PROFILE_1 } from '../../packages/ipfire/test/support/ipfire-root.js';
import { LabAgent } from '../support/lab-agent.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLER = fileURLToPath(new URL('../../scripts/bundle.js', import.meta.url));
const active = (name: string) => (s: StatusResult) => s.active === name && !s.busy;

describe('the wanwatch agent on an emulated IPFire (namespaces, real packets)', function () {
  this.timeout(90_000);
  let lab: Lab;
  let root: IpfireRoot | undefined;
  let agent: LabAgent | undefined;
  let meter: TrafficMeter | undefined;

  let bundleDir: string;
  let bundle: string;

  before(async () => {
    // The agent runs as shipped for IPFire: the single-file bundle, away from node_modules (no net-ping).
    bundleDir = mkdtempSync(join(tmpdir(), 'wanwatch-bundle-'));
    bundle = join(bundleDir, 'wanwatch.mjs');
    execFileSync(process.execPath, [BUNDLER, '--out', bundle], { stdio: 'ignore', timeout: 60_000 });
    lab = await Lab.create({ uplinks: 3, probeRouting: false, defaultRouteMetric: 100 });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && agent) console.log(agent.lines.slice(-40).join('\n'));
    if (this.currentTest?.state === 'failed' && root) console.log(root.calls().join('\n'));
    await meter?.abort();
    meter = undefined;
    await agent?.dispose();
    agent = undefined;
    root?.dispose();
    root = undefined;
    await lab.faults.clearAll();
  });
  after(async () => {
    await lab?.destroy();
    rmSync(bundleDir, { recursive: true, force: true });
  });

  async function start(sections: Record<string, unknown> = {}) {
    const links = Object.fromEntries(
      [1, 2, 3].map((i) => {
        const u = lab.uplink(i);
        return [u.device, { local: u.address4, remote: u.gateway4, gateway6: u.gateway6 }];
      }),
    );
    const r = IpfireRoot.create({
      links,
      pppIface: lab.uplink(1).device,
      routes: true,
      pppDelayS: 0.2,
      dhcpDelayS: 0.2,
    });
    root = r;
    // RED is up on the PPPoE primary, as after boot; the lab's default route already goes out wan1.
    r.redUp(lab.uplink(1).device, lab.uplink(1).address4, lab.uplink(1).gateway4);
    const targets = [...lab.targets4(2), ...lab.targets6(1)];
    const dev = (i: number) => lab.uplink(i).device;
    agent = await LabAgent.start(
      lab,
      (dir) => ({
        platform: 'ipfire',
        control: { socket: join(dir, 'wanwatch.sock') },
        state: join(dir, 'state'),
        log: { level: 'info', format: 'text', summary: '0s' },
        failback: { delay: '4s', minDwell: '0s', trialWindow: '6s' },
        switch: { activateTimeout: '20s' },
        ipfire: {
          root: r.dir,
          logger: r.path('usr/bin/logger'),
          poll: '50ms',
          upTimeout: '10s',
          startTimeout: '15s',
          stopTimeout: '10s',
          profiles: {
            fiber: { ppp: 1 },
            cable: { redType: 'DHCP', ethernet: { RED_DEV: dev(2) } },
            lte: { ppp: 3, ethernet: { RED_DEV: dev(3), RED_DRIVER: 'qmi_wwan' } },
          },
        },
        ...sections,
        uplinks: [1, 2, 3].map((i, k) => ({
          name: ['fiber', 'cable', 'lte'][k],
          priority: (k + 1) * 10,
          interface: dev(i),
          gateway: lab.uplink(i).gateway4,
          gateway6: lab.uplink(i).gateway6,
          targets,
        })),
      }),
      bundle,
    );
    await agent.until('fiber active and up', (s) => active('fiber')(s) && s.uplinks[0]?.state === 'up', 20_000);
    assert.ok(
      agent.lines.some((l) => /native ICMP unavailable .*; using the system ping/.test(l)),
      'the bundle probes through the system ping',
    );
    return r;
  }

  it('fails over to the DHCP backup through network stop/start, then fails back by timed trial', async () => {
    const r = await start();
    meter = await lab.startMeter({ intervalMs: 5 });
    const fault = await lab.faults.upstreamBlackhole(1);
    const failedAt = Date.now();
    await agent!.until('failover to cable', active('cable'), 15_000);
    const switchedAt = Date.now();
    assert.equal(r.read('var/ipfire/red/iface'), lab.uplink(2).device);
    assert.match(r.read('var/ipfire/ethernet/settings'), /^RED_TYPE=DHCP$/m);
    await new Promise((res) => setTimeout(res, 500));
    const outage = await meter.stop();
    console.log(
      `      failover: longest gap ${Math.round(outage.longestGapMs)} ms, RED switched ${switchedAt - failedAt} ms after the fault`,
    );
    assert.ok(outage.longestGapMs < 6_000, `outage ${outage.longestGapMs} ms`);

    await fault.clear();
    meter = await lab.startMeter({ intervalMs: 5 });
    const clearedAt = Date.now();
    await agent!.until('failback to fiber', active('fiber'), 30_000);
    const tookMs = Date.now() - clearedAt;
    // Dark standby: the trial comes no sooner than failback.delay (4 s) after the failover.
    assert.ok(Date.now() - switchedAt >= 3_900, `failback ${Date.now() - switchedAt} ms after the failover`);
    await new Promise((res) => setTimeout(res, 500));
    const failback = await meter.stop();
    console.log(
      `      failback: ${tookMs} ms after the fault cleared, longest gap ${Math.round(failback.longestGapMs)} ms`,
    );
    assert.ok(failback.longestGapMs < 3_000, `failback gap ${failback.longestGapMs} ms`);
    assert.equal(r.read('var/ipfire/ethernet/settings'), ETHERNET_SETTINGS);
    assert.equal(r.read('var/ipfire/ppp/settings-1'), PROFILE_1);
    assert.equal(r.read('var/ipfire/red/current-profile'), 'fiber\n');
    const routes = await ipIn(lab.ns.router, ['route', 'show', 'default']);
    assert.match(routes.stdout, new RegExp(`dev ${lab.uplink(1).device}`));
    assert.ok(r.messages().some((m) => /red: wanwatch: RED switched to cable/.test(m)));
  });

  it('goes on to the QMI profile when the DHCP backup is dead too: RED_DEV, driver, link and credentials follow', async () => {
    const r = await start();
    await lab.faults.upstreamBlackhole(2);
    await lab.faults.upstreamBlackhole(1);
    await agent!.until('failover to lte', active('lte'), 30_000);
    const text = r.read('var/ipfire/ethernet/settings');
    assert.match(text, new RegExp(`^RED_DEV=${lab.uplink(3).device}$`, 'm'));
    assert.match(text, /^RED_DRIVER=qmi_wwan$/m);
    assert.match(text, /^RED_TYPE=PPPOE$/m);
    assert.equal(r.stat('var/ipfire/ppp/settings').ino, r.stat('var/ipfire/ppp/settings-3').ino);
    assert.equal(r.read('var/ipfire/ppp/secrets'), "'lte' * 'lte-pass'\n");
    const routes = await ipIn(lab.ns.router, ['route', 'show', 'default']);
    assert.match(routes.stdout, new RegExp(`dev ${lab.uplink(3).device}`));
  });

  it('goes back to the backup when the failback trial finds the primary still dead', async () => {
    const r = await start();
    await lab.faults.upstreamBlackhole(1);
    await agent!.until('failover to cable', active('cable'), 15_000);
    const trial = await agent!.until('the failback trial to fiber', (s) => s.active === 'fiber' || s.busy, 20_000);
    assert.ok(trial);
    await agent!.until('back on cable after the failed trial', active('cable'), 25_000);
    const calls = r.calls().filter((c) => c.startsWith('start'));
    assert.ok(calls.length >= 3, calls.join('\n')); // cable, fiber (trial), cable again
    assert.match(r.read('var/ipfire/ethernet/settings'), /^RED_TYPE=DHCP$/m);
    assert.equal(r.read('var/ipfire/ppp/settings-1'), PROFILE_1);
  });
});
