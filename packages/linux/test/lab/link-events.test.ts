import assert from 'node:assert/strict';
import type { LinkEvent, Uplink } from '@wanwatch/core';
import type { Lab } from '@wanwatch/netlab';
import { LinuxAdapter } from '../../src/index.js';
import { execa } from 'execa';
import { adapterLab, defaultRoutes, inLab, Notes, uplinkOf, type JsonRoute } from '../support/lab.js';

/** Pids of this process's children running `ip … monitor` (the adapter's monitor). */
async function monitorPids(): Promise<number[]> {
  const ps = await execa('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { reject: false });
  return String(ps.stdout)
    .split('\n')
    .filter((l) => / monitor /.test(l))
    .map((l) => Number.parseInt(l.trim(), 10));
}

/** How many monitor children there are, once there are `expected` of them (or after a second). */
async function monitorChildren(expected: number): Promise<number> {
  let count = -1;
  // The child may take a moment to go after SIGTERM.
  for (let k = 0; k < 50 && count !== expected; k++) {
    if (k > 0) await new Promise((r) => setTimeout(r, 20));
    count = (await monitorPids()).length;
  }
  return count;
}

/** Collects link events and waits for the next one. */
class Events {
  readonly seen: { event: LinkEvent; at: number }[] = [];
  private waiter: (() => void) | null = null;

  readonly listener = (event: LinkEvent) => {
    this.seen.push({ event, at: performance.now() });
    this.waiter?.();
  };

  /** The first event after index `from` that matches, within `ms` (or null). */
  async next(
    from: number,
    match: (e: LinkEvent) => boolean,
    ms: number,
  ): Promise<{ event: LinkEvent; at: number } | null> {
    const until = performance.now() + ms;
    for (let k = 0; k < 100 && performance.now() < until; k++) {
      const hit = this.seen.slice(from).find((s) => match(s.event));
      if (hit) return hit;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, until - performance.now()));
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.seen.slice(from).find((s) => match(s.event)) ?? null;
  }
}

describe('linux adapter: link events, in the lab', function () {
  this.timeout(60_000);
  let lab: Lab;
  let adapter: LinuxAdapter;
  let wan1: Uplink;
  let wan2: Uplink;
  const events = new Events();
  const notes = new Notes();
  let unsubscribe: () => void;

  before(async () => {
    lab = await adapterLab(2);
    [wan1, wan2] = [uplinkOf(lab, 1), uplinkOf(lab, 2)];
    adapter = new LinuxAdapter([wan1, wan2], inLab(lab, { logger: notes.logger }));
    unsubscribe = adapter.linkEvents(events.listener);
    await new Promise((r) => setTimeout(r, 300)); // the monitor starts and reads the devices
  });
  after(async () => {
    await adapter?.close();
    await lab?.destroy();
  });

  it('reports carrier loss well under a second after it happens, and its return, once each', async () => {
    const from = events.seen.length;
    const start = performance.now();
    const fault = await lab.faults.carrierLoss(2);
    const down = await events.next(from, (e) => e.uplink === 'wan2' && e.carrier === 'down', 2000);
    assert.ok(down, 'no down event');
    const downMs = down.at - start;
    assert.ok(downMs < 1000, `down reported after ${downMs.toFixed(0)} ms`);
    const restored = performance.now();
    await fault.clear();
    const up = await events.next(from, (e) => e.uplink === 'wan2' && e.carrier === 'up', 2000);
    assert.ok(up, 'no up event');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(
      events.seen.slice(from).map((s) => `${s.event.uplink} ${s.event.carrier}`),
      ['wan2 down', 'wan2 up'],
      'one event per change, none for the other uplink',
    );
    console.log(
      `      carrier loss reported in ${downMs.toFixed(1)} ms, its end in ${(up.at - restored).toFixed(1)} ms`,
    );
  });

  it('reports a device that is deleted as down and its return as up', async () => {
    const from = events.seen.length;
    await lab.removeUplinkDevice(1);
    assert.ok(await events.next(from, (e) => e.uplink === 'wan1' && e.carrier === 'down', 1000), 'no down event');
    await lab.restoreUplinkDevice(1);
    assert.ok(await events.next(from, (e) => e.uplink === 'wan1' && e.carrier === 'up', 2000), 'no up event');
  });

  it("puts the active uplink's default route back when its device returns", async () => {
    await adapter.activate(wan2, { previous: wan1, reason: 'manual', signal: new AbortController().signal });
    await lab.removeUplinkDevice(2);
    assert.deepEqual(await defaultRoutes(lab, 4).then((l) => l.filter((r) => r.metric === 10)), []);
    await lab.restoreUplinkDevice(2);
    let back: JsonRoute | undefined;
    for (let k = 0; k < 100 && !back; k++) {
      await new Promise((r) => setTimeout(r, 20));
      back = (await defaultRoutes(lab, 4)).find((r) => r.metric === 10);
    }
    assert.deepEqual([back?.gateway, back?.dev], [lab.uplink(2).gateway4, 'wan2']);
  });

  it('starts the monitor again when it dies, and reports what changed meanwhile', async () => {
    const [pid] = await monitorPids();
    assert.ok(pid, 'no monitor child');
    const from = events.seen.length;
    process.kill(pid, 'SIGKILL');
    const fault = await lab.faults.carrierLoss(2);
    try {
      assert.ok(await events.next(from, (e) => e.uplink === 'wan2' && e.carrier === 'down', 3000), 'no down event');
      assert.ok(
        notes.warnings.some((w) => /ip monitor ended .*restarting in 100 ms/.test(w)),
        notes.warnings.join('\n'),
      );
      assert.equal(await monitorChildren(1), 1);
    } finally {
      await fault.clear();
    }
    assert.ok(await events.next(from, (e) => e.uplink === 'wan2' && e.carrier === 'up', 2000), 'no up event');
  });

  it('stops telling a listener that unsubscribed, and stops the monitor on close()', async () => {
    unsubscribe();
    const from = events.seen.length;
    const fault = await lab.faults.carrierLoss(2);
    await new Promise((r) => setTimeout(r, 300));
    await fault.clear();
    assert.equal(events.seen.length, from);
    assert.equal(await monitorChildren(1), 1, 'the monitor runs');
    await adapter.close();
    assert.equal(await monitorChildren(0), 0, 'the monitor is gone');
    assert.throws(() => adapter.linkEvents(() => undefined), /closed/);
  });
});
