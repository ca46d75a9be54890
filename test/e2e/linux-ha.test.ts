/**
 * High availability end to end: two lab routers run Debian's keepalived
 * (VRRPv3, adverts every 0.3 s) and the built wanwatch agent each; a LAN host
 * uses the virtual address as its gateway and streams UDP to the internet.
 * Outage figures here are loose guards; `npm run bench:ha` measures them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { HA_LAN, HaLab, execIn, ipIn, type TrafficMeter } from '@wanwatch/netlab';
import { HaBox, vipOn, type RouterOptions } from '../support/ha.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** keepalived processes of this lab still alive (their command line names the lab's directory). */
function keepalivedsOf(dir: string): Promise<string> {
  return new Promise((resolve) =>
    execFile('pgrep', ['-a', '-f', `keepalived .*${dir}`], (_err, stdout) => resolve(stdout.trim())),
  );
}

/** The default route traffic takes (the lowest metric), as `ip` prints it. */
async function defaultRoute(ns: string, family: 4 | 6): Promise<string> {
  const { stdout } = await ipIn(ns, [`-${family}`, 'route', 'show', 'default']);
  return (stdout.split('\n')[0] ?? '').trim();
}

describe('HA on Linux: two routers, keepalived as the role engine (namespaces, real VRRP)', function () {
  this.timeout(60_000);
  let lab: HaLab;
  let boxes: HaBox[] = [];
  let meter: TrafficMeter | undefined;
  let heal: (() => Promise<void>) | undefined;

  before(async () => {
    lab = await HaLab.create();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      for (const b of boxes)
        console.log(`--- router ${b.k}\n${[...b.history, ...(b.agent?.lines ?? [])].slice(-40).join('\n')}`);
    await meter?.abort();
    meter = undefined;
    await heal?.();
    heal = undefined;
    for (const b of boxes) await b.dispose();
    boxes = [];
    for (const k of [1, 2] as const) {
      await lab.setLanLink(k, 'up');
      await ipIn(lab.router(k).ns, ['link', 'set', lab.router(k).uplink.device, 'up']);
      await lab.router(k).faults.clearAll();
    }
  });
  after(async () => {
    const dir = lab?.dir;
    await lab?.destroy();
    if (dir) assert.equal(await keepalivedsOf(dir), '', 'keepalived survived the lab');
  });

  /** keepalived on both routers (router 1 becomes master), then the agents. */
  async function pair(options: { 1?: RouterOptions; 2?: RouterOptions } = {}): Promise<[HaBox, HaBox]> {
    const r1 = new HaBox(lab, 1, options[1]);
    const r2 = new HaBox(lab, 2, options[2]);
    boxes = [r1, r2];
    await r1.startKeepalived();
    await r2.startKeepalived();
    await vipOn(lab, 1);
    await Promise.all([r1.startAgent(), r2.startAgent()]);
    await Promise.all([r1.role('master'), r2.role('backup')]);
    return [r1, r2];
  }

  async function outage(): Promise<number> {
    await sleep(500);
    const report = await meter!.stop();
    meter = undefined;
    return report.longestGapMs;
  }

  it('takes its role from keepalived: the backup sends its own traffic through the virtual address; restarted agents change nothing', async () => {
    const [r1, r2] = await pair();
    assert.equal(await defaultRoute(lab.router(2).ns, 4), `default via ${HA_LAN.vip4} dev lan0 metric 10`);
    assert.equal(await defaultRoute(lab.router(2).ns, 6), `default via ${HA_LAN.vip6} dev lan0 metric 10 pref medium`);
    assert.match(await defaultRoute(lab.router(1).ns, 4), /dev wan1/);
    const ping = await execIn(lab.router(2).ns, 'ping', ['-c', '1', '-W', '2', '198.51.100.10'], {
      allowFailure: true,
    });
    assert.ok(ping.ok, `the backup reaches the internet through the master: ${ping.stdout}`);

    const before = await defaultRoute(lab.router(1).ns, 4);
    meter = await lab.startMeter({ intervalMs: 5 });
    await r2.agent!.crash();
    await r2.startAgent();
    const backup = await r2.role('backup');
    await r1.agent!.crash();
    await r1.startAgent();
    const master = await r1.role('master');
    // Restarted, each agent reads its role again and changes nothing: no switch, the same routes.
    assert.equal(master.lastSwitchAt, null, 'the restarted master adopted its uplink without a switch');
    assert.equal(backup.lastSwitchAt, null);
    assert.equal(await defaultRoute(lab.router(1).ns, 4), before);
    assert.equal(await defaultRoute(lab.router(2).ns, 4), `default via ${HA_LAN.vip4} dev lan0 metric 10`);
    // Loose: starting two agents on a loaded 2-CPU machine can stall the stream's sender by ~100 ms.
    const gap = await outage();
    assert.ok(gap < 1_000, `restarting the agents cost ${gap} ms of LAN traffic`);
  });

  it('moves to the backup when the master router dies (keepalived, agent and LAN link), and back when it returns (preemption)', async () => {
    const [r1, r2] = await pair();
    meter = await lab.startMeter({ intervalMs: 5 });
    await r1.crash(true);
    await r2.role('master');
    const gap = await outage();
    assert.ok(gap < 5_000, `outage ${gap} ms`);
    assert.match(await defaultRoute(lab.router(2).ns, 4), /dev wan2/);

    meter = await lab.startMeter({ intervalMs: 5 });
    await lab.setLanLink(1, 'up');
    await r1.startKeepalived();
    await r1.startAgent();
    await vipOn(lab, 1);
    await Promise.all([r1.role('master'), r2.role('backup')]);
    const back = await outage();
    assert.ok(back < 5_000, `failback outage ${back} ms`);
    assert.equal(await defaultRoute(lab.router(2).ns, 4), `default via ${HA_LAN.vip4} dev lan0 metric 10`);
  });

  it('keeps the new master when the old one returns with nopreempt', async () => {
    const [r1, r2] = await pair();
    await r1.crash(false);
    await r2.role('master');
    await r1.startKeepalived(true);
    await r1.startAgent();
    await r1.role('backup');
    await sleep(2_000);
    assert.deepEqual(await lab.holders(), [2]);
    assert.equal((await r2.agent!.status()).role, 'master');
    assert.equal((await r1.agent!.status()).role, 'backup');
  });

  it('hands the role over when every uplink of the master is down (health coupling), and takes it back once it recovers', async () => {
    const [r1, r2] = await pair();
    meter = await lab.startMeter({ intervalMs: 5 });
    const fault = await lab.router(1).faults.upstreamBlackhole(1);
    await vipOn(lab, 2, 15_000);
    await Promise.all([r2.role('master'), r1.role('backup')]);
    const gap = await outage();
    assert.ok(gap < 8_000, `outage ${gap} ms`);

    await fault.clear();
    await vipOn(lab, 1, 20_000);
    await Promise.all([r1.role('master', 20_000), r2.role('backup')]);
  });

  it('in a VRRP partition both boxes are master and each uses its own uplink; healed, the lower one steps back', async () => {
    const [r1, r2] = await pair();
    meter = await lab.startMeter({ intervalMs: 5 });
    heal = await lab.partition();
    await r2.role('master');
    assert.equal((await r1.agent!.status()).role, 'master');
    assert.deepEqual(await lab.holders(), [1, 2]);
    assert.match(await defaultRoute(lab.router(1).ns, 4), /dev wan1/);
    assert.match(await defaultRoute(lab.router(2).ns, 4), /dev wan2/);
    const gap = await outage();
    assert.ok(gap < 2_000, `outage ${gap} ms`);

    await heal();
    heal = undefined;
    await vipOn(lab, 1);
    await Promise.all([r1.role('master'), r2.role('backup')]);
  });

  it('with backupMode down the backup holds its uplink device down until it becomes master', async () => {
    const [r1, r2] = await pair({ 2: { backupMode: 'down' } });
    const link = async () => (await ipIn(lab.router(2).ns, ['-o', 'link', 'show', 'wan2'])).stdout;
    assert.match(await link(), /state DOWN/);
    meter = await lab.startMeter({ intervalMs: 5 });
    await r1.crash(true);
    await r2.role('master', 20_000);
    assert.doesNotMatch(await link(), /state DOWN/);
    const gap = await outage();
    assert.ok(gap < 10_000, `outage ${gap} ms`);
  });
});
