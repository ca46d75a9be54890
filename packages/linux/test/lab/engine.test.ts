import assert from 'node:assert/strict';
import { Engine, type EngineEvents, type Uplink } from '@wanwatch/core';
import type { Lab } from '@wanwatch/netlab';
import { LinuxAdapter } from '../../src/index.js';
import { adapterLab, defaultRoutes, inLab, lanReaches, Notes, RouterHost, uplinkOf } from '../support/lab.js';

/** Resolves with the first `event` that `match` accepts, or rejects after `ms`. */
function next<K extends keyof EngineEvents>(
  engine: Engine,
  event: K,
  match: (...args: EngineEvents[K]) => boolean,
  ms: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      engine.off(event, listener);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const listener = (...args: EngineEvents[K]) => {
      if (!match(...args)) return;
      clearTimeout(timer);
      engine.off(event, listener);
      resolve(performance.now());
    };
    engine.on(event, listener);
  });
}

describe("linux adapter: core's engine on it, in the lab", function () {
  this.timeout(60_000);
  let lab: Lab;
  let host: RouterHost;
  let adapter: LinuxAdapter;
  let engine: Engine;

  before(async () => {
    lab = await adapterLab(2);
    host = await RouterHost.start(lab);
    const targets = lab.targets4(3);
    const uplinks: Uplink[] = [1, 2].map((i) => ({ ...uplinkOf(lab, i, 'auto'), targets }));
    adapter = new LinuxAdapter(uplinks, inLab(lab, { logger: new Notes().logger }));
    engine = new Engine({
      uplinks,
      adapter,
      probe: { send: (request) => host.send(request) },
      settings: { health: { up: 3 }, failback: { delayMs: 1000, minDwellMs: 0 } },
    });
    const ready = Promise.all(
      ['wan1', 'wan2'].map((id) => next(engine, 'uplink:state', (e) => e.uplink === id && e.to === 'up', 10_000)),
    );
    await engine.start();
    await ready;
  });
  after(async () => {
    await engine?.stop();
    await host?.stop();
    await lab?.destroy();
  });

  it('adopts the uplink that holds the default route at start-up', () => {
    assert.equal(engine.status().active, 'wan1');
  });

  it('fails over when the active uplink dies upstream, and the LAN follows', async () => {
    const switched = next(engine, 'switch:done', (e) => e.to === 'wan2', 10_000);
    const fault = await lab.faults.upstreamBlackhole(1);
    try {
      await switched;
      assert.equal((await defaultRoutes(lab, 4))[0]?.dev, 'wan2');
      assert.ok(await lanReaches(lab, lab.targets4(1)[0]!));
    } finally {
      const back = next(engine, 'switch:done', (e) => e.to === 'wan1' && e.reason === 'failback', 20_000);
      await fault.clear();
      await back;
    }
    assert.equal((await defaultRoutes(lab, 4))[0]?.dev, 'wan1', 'failed back');
  });

  it('fails over on carrier loss without waiting for probe rounds', async () => {
    const start = performance.now();
    const switched = next(engine, 'switch:done', (e) => e.to === 'wan2', 5000);
    const fault = await lab.faults.carrierLoss(1);
    try {
      const at = await switched;
      assert.ok(at - start < 1000, `switched ${(at - start).toFixed(0)} ms after the carrier went`);
      console.log(`      carrier loss → switch done in ${(at - start).toFixed(0)} ms`);
    } finally {
      await fault.clear();
    }
  });
});
