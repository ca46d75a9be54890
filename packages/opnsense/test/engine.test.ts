/**
 * The engine driving the OPNsense adapter on the emulated box, with a probe
 * that answers through the box's state: singleton failover, and failback
 * by timed trial (standby WANs are dark, so the preferred one is tried
 * after the failback delay and kept only if it proves itself).
 */
import assert from 'node:assert/strict';
import { Engine, type SettingsInput, type SwitchDoneEvent, type SwitchFailedEvent } from '@wanwatch/core';
import type { OpnsenseAdapter } from '../src/index.js';
import type { FakeBsd } from './emulation/fake-bsd.js';
import { adapterOn, bootWith, BoxProbe, newBox, UPLINKS } from './support/box.js';

const FAST: SettingsInput = {
  probe: { intervalMs: 50, failureIntervalMs: 50, recoveryIntervalMs: 50, timeoutMs: 100, minTimeoutMs: 50 },
  health: { down: 2, up: 2 },
  failback: { delayMs: 1_500, minDwellMs: 0, trialWindowMs: 1_500 },
  dampening: { enabled: false },
  switch: { retryDelayMs: 500, startupGraceMs: 0, verifyTimeoutMs: 1_000, activateTimeoutMs: 10_000 },
};

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the engine on the OPNsense adapter (singleton, emulated box)', function () {
  this.timeout(30_000);
  let box: FakeBsd & { configXml: string };
  let adapter: OpnsenseAdapter;
  let engine: Engine;
  let probe: BoxProbe;
  const done: SwitchDoneEvent[] = [];
  const failed: SwitchFailedEvent[] = [];

  beforeEach(async () => {
    done.length = 0;
    failed.length = 0;
    box = newBox();
    bootWith(box, 'vtnet1', 'wan');
    // The previous WAN is released a little after each switch, when the engine no longer probes it.
    ({ adapter } = adapterOn(box, { releaseDelayMs: 1_000, ipv6Restart: false }));
    probe = new BoxProbe(box);
    engine = new Engine({ uplinks: UPLINKS, settings: FAST, adapter, probe });
    engine.on('switch:done', (e) => done.push(e));
    engine.on('switch:failed', (e) => failed.push(e));
    await engine.start();
  });
  afterEach(async () => {
    await engine.stop();
    box.dispose();
  });

  const settledOn = (id: string) => () => engine.status().active === id && !engine.status().busy;

  it('adopts the WAN holding the route, fails over when it dies, and fails back by a trial that passes', async () => {
    assert.equal(engine.status().active, 'fiber');
    assert.equal(engine.status().standbyProbing, false);
    probe.working.set('fiber', false);
    await until('failover to lte', settledOn('lte'), 10_000);
    assert.equal(box.state().routes.inet?.interface, 'vtnet2');
    await until('fiber released', () => box.state().interfaces.vtnet1!.ipv4.length === 0, 5_000);

    probe.working.set('fiber', true);
    const leftAt = Date.now();
    await until('failback to fiber', () => done.some((e) => e.to === 'fiber'), 15_000);
    assert.ok(Date.now() - leftAt >= 1_000, `trial after ${Date.now() - leftAt} ms, before the failback delay`);
    assert.equal(done.at(-1)?.trial, true, 'the failback is a trial');
    await until('fiber proven', () => engine.status().trial === null && settledOn('fiber')(), 10_000);
    assert.equal(box.state().routes.inet?.interface, 'vtnet1');
    await until('lte released', () => box.state().interfaces.vtnet2!.ipv4.length === 0, 5_000);
    assert.deepEqual(failed, []);
    // Released only once the engine stopped probing it: lte was never judged down, so it is
    // available at once for the next failover.
    const lte = engine.status().uplinks.find((u) => u.id === 'lte')!;
    assert.equal(lte.state, 'unknown');
    assert.equal(lte.backedOffUntil, null, JSON.stringify(lte));
    probe.working.set('fiber', false);
    const at = Date.now();
    await until('failover to lte again', settledOn('lte'), 10_000);
    assert.ok(Date.now() - at < 3_000, `second failover took ${Date.now() - at} ms`);
  });

  it('returns to the backup WAN when the failback trial fails', async () => {
    probe.working.set('fiber', false);
    await until('failover to lte', settledOn('lte'), 10_000);
    const leftAt = Date.now();
    // The trial brings fiber up; its path does not pass verification, so traffic returns at once.
    await until('a failed failback trial, back on lte', () => failed.length > 0 && settledOn('lte')(), 15_000);
    assert.ok(Date.now() - leftAt >= 1_000, 'not before the failback delay');
    assert.equal(failed[0]?.to, 'fiber');
    assert.ok(['verify', 'trial'].includes(failed[0].step), failed[0].step);
    assert.equal(box.state().routes.inet?.interface, 'vtnet2');
    await until('fiber released', () => box.state().interfaces.vtnet1!.ipv4.length === 0, 5_000);
  });
});
