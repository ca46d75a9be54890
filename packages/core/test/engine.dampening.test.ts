import assert from 'node:assert/strict';
import { cleanupRigs, running, type Rig } from './helpers.js';

/** Makes `uplink` die for `downMs` and come back for `upMs`, `times` times. */
async function flap(r: Rig, uplink: string, times: number, downMs: number, upMs: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    r.net.set(uplink, { dead: true });
    await r.tick(downMs);
    r.net.heal(uplink);
    await r.tick(upMs);
  }
}

describe('engine: flap dampening', () => {
  let r: Rig;
  afterEach(cleanupRigs);

  // A short failback delay so that, without dampening, every flap would also cause a failback.
  const eager = { failback: { delayMs: 2_000, minDwellMs: 0 } };

  it('without dampening, an uplink flapping every few seconds drags traffic along', async () => {
    r = await running({ settings: { ...eager, dampening: { enabled: false } } });
    await flap(r, 'fiber', 10, 3_000, 8_000);
    assert.ok(r.switches.length >= 15, `${r.switches.length} switches`);
  });

  it('suppresses an uplink flapping every few seconds, and reuses it after its penalty decays', async () => {
    r = await running({ settings: eager });
    await flap(r, 'fiber', 10, 3_000, 8_000);
    const fiber = r.engine.status().uplinks.find((u) => u.id === 'fiber')!;
    assert.equal(fiber.suppressed, true);
    assert.ok(fiber.penalty > 2000);
    // Three flaps are allowed before suppression: at most three failovers and three failbacks.
    assert.ok(r.switches.length <= 1 + 6, `${r.switches.length} switches`);
    assert.equal(r.engine.status().active, 'lte');
    const reuseAt = fiber.reuseAt!;
    await r.tick(reuseAt - Date.now() - 1_000);
    assert.equal(r.engine.status().active, 'lte', 'still suppressed just before its reuse time');
    await r.until(() => r.engine.status().active === 'fiber', 10_000);
    assert.ok(Date.now() >= reuseAt);
  });

  it('never suppresses longer than the maximum, however often an uplink flapped', async () => {
    r = await running({ settings: { ...eager, dampening: { maxSuppressMs: 5 * 60_000 } } });
    await flap(r, 'fiber', 30, 3_000, 8_000);
    const lastFlap = Date.now();
    await r.until(() => r.engine.status().active === 'fiber', 10 * 60_000, 1_000);
    assert.ok(Date.now() - lastFlap <= 5 * 60_000 + 5_000, `suppressed for ${Date.now() - lastFlap} ms`);
  });

  it('still fails over to a suppressed uplink when it is the only one left', async () => {
    r = await running({ settings: eager });
    await flap(r, 'fiber', 4, 3_000, 8_000);
    assert.equal(r.engine.status().uplinks.find((u) => u.id === 'fiber')?.suppressed, true);
    r.net.set('lte', { dead: true });
    await r.until(() => r.engine.status().active === 'fiber', 5_000);
    assert.equal(r.switches.at(-1)?.reason, 'failover');
  });
});
