/**
 * End to end on a real Linux network: the built `wanwatch` agent runs in a
 * netlab router namespace with the Linux adapter and the ICMP probes, a LAN
 * host streams UDP through the router, and faults are injected upstream.
 * Outage figures here are loose guards; `npm run bench:linux` measures them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ipIn, Lab, type TrafficMeter } from '@wanwatch/netlab';
import type { StatusResult } from '@wanwatch/agent';
import { CLI, LabAgent, labConfig, type LabUplinkSpec } from '../support/lab-agent.js';
import { defaultRoutes, effectiveDevice, removeWanwatchRoutes } from '../support/routes.js';

const TWO: LabUplinkSpec[] = [
  { name: 'fiber', index: 1 },
  { name: 'lte', index: 2 },
];
/** Short delays so a test sees a failback in seconds; the defaults are measured in the benchmark. */
const FAST = { failback: { delay: '5s', minDwell: '0s' } };

const active = (name: string) => (s: StatusResult) => s.active === name && !s.busy;
const stateOf = (s: StatusResult, name: string) => s.uplinks.find((u) => u.id === name)?.state;
const allUp = (s: StatusResult) => s.uplinks.every((u) => u.state === 'up');

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('the wanwatch agent on a Linux router (namespaces, real packets)', function () {
  this.timeout(120_000);
  let lab: Lab;
  let agent: LabAgent | undefined;
  let meter: TrafficMeter | undefined;

  before(async () => {
    lab = await Lab.create({ uplinks: 3, probeRouting: false, defaultRouteMetric: 100 });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && agent) console.log(agent.lines.slice(-40).join('\n'));
    await meter?.abort();
    meter = undefined;
    await agent?.dispose();
    agent = undefined;
    await lab.faults.clearAll();
    await removeWanwatchRoutes(lab);
  });
  after(async () => {
    await lab?.destroy();
  });

  async function start(uplinks: LabUplinkSpec[] = TWO, sections: Record<string, unknown> = FAST) {
    agent = await LabAgent.start(lab, (dir) => labConfig(lab, dir, uplinks, sections));
    return agent.until('every uplink up', (s) => allUp(s) && s.active === uplinks[0]!.name && !s.busy, 30_000);
  }

  it("adopts the DHCP client's uplink at start without a switch, with its own route beside the client's", async () => {
    const s = await start();
    assert.equal(s.lastSwitchAt, null, 'no switch at start-up');
    for (const family of [4, 6] as const) {
      const routes = (await defaultRoutes(lab, family)).map((r) => [r.dev, r.metric]);
      assert.deepEqual(
        routes,
        [
          [lab.uplink(1).device, 10],
          [lab.uplink(1).device, 100],
        ],
        `IPv${family}: wanwatch's route on the adopted uplink, the DHCP client's left alone`,
      );
    }
    assert.ok(
      agent!.lines.some((l) => /adopting fiber/.test(l)),
      'the log says what it did',
    );
  });

  it('fails over within about a second of an upstream blackhole, and fails back after the delay', async () => {
    await start();
    meter = await lab.startMeter({ intervalMs: 5 });
    const fault = await lab.faults.upstreamBlackhole(1);
    await agent!.until('failover to lte', active('lte'), 10_000);
    assert.equal(await effectiveDevice(lab, 4), lab.uplink(2).device);
    assert.equal(await effectiveDevice(lab, 6), lab.uplink(2).device);
    await new Promise((r) => setTimeout(r, 500));
    const outage = await meter.stop();
    assert.ok(outage.longestGapMs > 300 && outage.longestGapMs < 3_000, `outage ${outage.longestGapMs} ms`);

    meter = await lab.startMeter({ intervalMs: 5 });
    await fault.clear();
    const up = await agent!.until('fiber up again', (s) => stateOf(s, 'fiber') === 'up', 20_000);
    const upAt = Date.now();
    assert.equal(up.pendingFailback?.uplink, 'fiber');
    await agent!.until('failback to fiber', active('fiber'), 20_000);
    assert.ok(Date.now() - upAt >= 4_000, `failback ${Date.now() - upAt} ms after fiber was up`);
    const failback = await meter.stop();
    assert.ok(failback.longestGapMs < 500, `failback interrupted traffic for ${failback.longestGapMs} ms`);
  });

  it('fails over at once on carrier loss', async () => {
    await start();
    meter = await lab.startMeter({ intervalMs: 5 });
    await lab.faults.carrierLoss(1);
    await agent!.until('failover to lte', active('lte'), 5_000);
    await new Promise((r) => setTimeout(r, 300));
    const outage = await meter.stop();
    assert.ok(outage.longestGapMs < 1_000, `outage ${outage.longestGapMs} ms`);
  });

  it('fails over when the gateway dies', async () => {
    await start();
    await lab.faults.gatewayDead(1);
    const s = await agent!.until('failover to lte', active('lte'), 10_000);
    assert.equal(stateOf(s, 'fiber'), 'down');
  });

  it('does not fail over on 20 % random loss, then fails over when the lossy uplink dies', async () => {
    await start();
    await lab.faults.randomLoss(1, 20);
    await new Promise((r) => setTimeout(r, 30_000));
    const lossy = await agent!.status();
    assert.equal(lossy.active, 'fiber');
    assert.notEqual(stateOf(lossy, 'fiber'), 'down');
    await lab.faults.upstreamBlackhole(1);
    await agent!.until('failover to lte', active('lte'), 10_000);
  });

  it('restarts the failback delay when the primary flaps during it', async () => {
    await start();
    let fault = await lab.faults.upstreamBlackhole(1);
    await agent!.until('failover to lte', active('lte'), 10_000);
    await fault.clear();
    await agent!.until('fiber up', (s) => stateOf(s, 'fiber') === 'up', 20_000);
    await new Promise((r) => setTimeout(r, 2_500));
    fault = await lab.faults.upstreamBlackhole(1);
    await agent!.until('fiber down again', (s) => stateOf(s, 'fiber') === 'down', 10_000);
    await fault.clear();
    await agent!.until('fiber up again', (s) => stateOf(s, 'fiber') === 'up', 20_000);
    const upAgain = Date.now();
    await agent!.until('failback to fiber', active('fiber'), 20_000);
    assert.ok(Date.now() - upAgain >= 4_000, `failback ${Date.now() - upAgain} ms after the second recovery`);
  });

  it('with three uplinks and the middle one dead, goes to the third', async () => {
    const three: LabUplinkSpec[] = [...TWO, { name: 'dsl', index: 3 }].map((u, i) => ({
      ...u,
      name: ['fiber', 'dsl', 'lte'][i]!,
    }));
    agent = await LabAgent.start(lab, (dir) => labConfig(lab, dir, three, FAST));
    await lab.faults.upstreamBlackhole(2);
    await agent.until('fiber active, dsl down', (s) => s.active === 'fiber' && stateOf(s, 'dsl') === 'down', 30_000);
    await lab.faults.upstreamBlackhole(1);
    await agent.until('failover to lte', active('lte'), 10_000);
    assert.equal(await effectiveDevice(lab, 4), lab.uplink(3).device);
  });

  it('obeys the operator through the CLI: failover, hold, release, failback', async () => {
    await start(TWO, { failback: { mode: 'manual' } });
    const s = ['-s', agent!.socket];
    const failover = await cli('failover', 'lte', ...s);
    assert.equal(failover.code, 0, failover.stderr);
    assert.equal(await effectiveDevice(lab, 4), lab.uplink(2).device);
    assert.equal((await cli('failback', ...s)).code, 0);
    assert.equal((await agent!.status()).active, 'fiber');
    assert.equal((await cli('hold', 'lte', ...s)).code, 0);
    const held = await agent!.status();
    assert.equal(held.active, 'lte');
    assert.equal(held.uplinks.find((u) => u.id === 'lte')?.held, true);
    assert.equal((await cli('release', ...s)).code, 0);
    const table = await cli('status', ...s);
    assert.match(table.stdout, /fiber/);
    assert.match(table.stdout, /lte/);
    const history = await cli('history', '--since', '10m', '--json', ...s);
    const types = (JSON.parse(history.stdout) as { type: string }[]).map((e) => e.type);
    assert.ok(types.includes('switch') && types.includes('hold'), types.join(','));
  });

  it('after kill -9 and a restart, adopts the active uplink without a switch and keeps one default route', async () => {
    await start();
    await lab.faults.upstreamBlackhole(1);
    await agent!.until('failover to lte', active('lte'), 10_000);
    await agent!.crash();
    await agent!.launch();
    const s = await agent!.status();
    assert.equal(s.active, 'lte', 'adopted');
    await new Promise((r) => setTimeout(r, 3_000));
    assert.equal((await agent!.status()).lastSwitchAt, s.lastSwitchAt, 'no switch after the restart');
    for (const family of [4, 6] as const) {
      const ours = (await defaultRoutes(lab, family)).filter((r) => r.metric === 10);
      assert.equal(ours.length, 1, `one wanwatch default route (IPv${family})`);
      assert.equal(ours[0]?.dev, lab.uplink(2).device);
    }
  });

  it('after kill -9 in the middle of a switch, before or after the route moved, comes back consistent', async () => {
    // Slow hooks hold the switch open: killed in the pre hook the route has not moved yet;
    // killed in the post hook it has moved but the state file has not been written.
    agent = await LabAgent.start(lab, (dir) => {
      for (const phase of ['pre', 'post']) {
        writeFileSync(join(dir, `${phase}.sh`), '#!/bin/sh\nsleep 2\n');
        chmodSync(join(dir, `${phase}.sh`), 0o755);
      }
      const hooks = { pre: join(dir, 'pre.sh'), post: join(dir, 'post.sh'), timeout: '10s' };
      return labConfig(lab, dir, TWO, { ...FAST, hooks });
    });
    await agent.until('every uplink up', (st) => allUp(st) && st.active === 'fiber', 30_000);
    const oneRouteOn = async (device: string) => {
      for (const family of [4, 6] as const) {
        const ours = (await defaultRoutes(lab, family)).filter((r) => r.metric === 10);
        assert.ok(ours.length <= 1, `at most one wanwatch default route (IPv${family})`);
        assert.equal(await effectiveDevice(lab, family), device);
      }
    };

    const fault = await lab.faults.upstreamBlackhole(1);
    await agent.until('a switch in its pre hook', (st) => st.busy, 10_000);
    assert.equal(await effectiveDevice(lab, 4), lab.uplink(1).device, 'the route has not moved yet');
    await agent.crash();
    await agent.launch();
    await agent.until('failover to lte after the restart', active('lte'), 30_000);
    await oneRouteOn(lab.uplink(2).device);

    await fault.clear();
    await agent.until('failback in its post hook', (st) => st.busy && stateOf(st, 'fiber') === 'up', 30_000);
    const onFiber = async (family: 4 | 6) => (await effectiveDevice(lab, family)) === lab.uplink(1).device;
    await waitFor(async () => (await onFiber(4)) && (await onFiber(6)), 5_000);
    await agent.crash();
    await agent.launch();
    const after = await agent.until('settled', (st) => !st.busy && st.active !== null, 20_000);
    assert.equal(after.active, 'fiber', 'adopts the uplink the route points to, not the stale state file');
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal((await agent.status()).active, 'fiber', 'and stays there');
    await oneRouteOn(lab.uplink(1).device);
  });

  it('reloads its config on SIGHUP without dropping the active uplink, and refuses a bad one', async () => {
    const first = await start();
    agent!.signal('SIGHUP');
    const mark = agent!.lines.length;
    await waitLine(agent!, /reload/i, mark);
    const after = await agent!.until('running again', (s) => s.active === 'fiber', 10_000);
    assert.equal(after.lastSwitchAt, first.lastSwitchAt, 'no switch on reload');
    await agent!.rewrite({ platform: 'linux', uplinks: [{ name: 'Fiber!' }] });
    const mark2 = agent!.lines.length;
    agent!.signal('SIGHUP');
    await waitLine(agent!, /Fiber!|uplinks\[0\]/, mark2);
    assert.equal((await agent!.status()).active, 'fiber', 'still running on the old config');
  });

  it('on a reload with other table ids, rule priority and metric, leaves no rule or route of the old layout', async () => {
    const first = await start();
    const lookups = async (family: 4 | 6) => {
      const out = await ipIn(lab.ns.router, ['-N', '-json', `-${family}`, 'rule', 'show']);
      const rules = JSON.parse(out.stdout || '[]') as { priority: number; table?: string }[];
      return [
        ...new Set(rules.filter((r) => r.priority < 32766 && r.priority > 0).map((r) => `${r.priority}/${r.table}`)),
      ];
    };
    const metrics = async (family: 4 | 6) => (await defaultRoutes(lab, family)).map((r) => `${r.dev}/${r.metric}`);
    // Earlier tests' agents left rules of a third uplink (agents leave routing as it is): only these two layouts count.
    const defaults = ['1000/101', '1001/102'];
    const moved = ['3000/301', '3001/302'];
    const has = (rules: string[], wanted: readonly string[]) => wanted.filter((r) => rules.includes(r));
    assert.deepEqual(has(await lookups(4), defaults), defaults);
    for (const [linux, now, gone, metric] of [
      [{ tableBase: 300, rulePriority: 3000, metric: 30 }, moved, defaults, 30],
      [{}, defaults, moved, 10], // and back to the defaults
    ] as const) {
      await agent!.rewrite(labConfig(lab, agent!.dir, TWO, { ...FAST, linux }));
      const mark = agent!.lines.length;
      agent!.signal('SIGHUP');
      await waitLine(agent!, /config reloaded/, mark);
      for (const family of [4, 6] as const) {
        const rules = await lookups(family);
        assert.deepEqual(has(rules, now), now, `IPv${family}: the new layout's rules`);
        assert.deepEqual(has(rules, gone), [], `IPv${family}: none of the old layout's rules`);
        assert.deepEqual(await metrics(family), [`wan1/${metric}`, 'wan1/100'], `IPv${family} default routes`);
      }
      assert.equal((await agent!.status()).lastSwitchAt, first.lastSwitchAt, 'no switch on reload');
    }
  });

  it('refuses a bad config with exit code 2 and one line per error', async () => {
    const bad = await LabAgent.start(lab, (dir) => labConfig(lab, dir, TWO)).then(async (a) => {
      agent = a;
      await a.rewrite({ platform: 'linux', probe: { intervall: '1s' }, uplinks: [] });
      return cli('check-config', '-c', a.configPath);
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /wanwatch\.yaml:\d+:\d+: probe\.intervall: unknown key/);
    assert.doesNotMatch(bad.stderr, /^\s+at /m);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitLine(agent: LabAgent, pattern: RegExp, from: number): Promise<string> {
  const end = Date.now() + 10_000;
  for (;;) {
    const line = agent.lines.slice(from).find((l) => pattern.test(l));
    if (line) return line;
    if (Date.now() > end) throw new Error(`no log line matching ${pattern}:\n${agent.lines.slice(from).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
