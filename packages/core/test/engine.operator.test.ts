import assert from 'node:assert/strict';
import { WanwatchError } from '../src/index.js';
import { MemoryStateStore } from '../src/testing/index.js';
import { cleanupRigs, rig, running, type Rig } from './helpers.js';

async function rejects(r: Rig, work: Promise<unknown>, code: string): Promise<WanwatchError> {
  try {
    await r.settle(work);
  } catch (err) {
    assert.ok(err instanceof WanwatchError, `expected a WanwatchError, got ${String(err)}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe('engine: operator commands', () => {
  let r: Rig;
  afterEach(cleanupRigs);

  it('holds an uplink: moves traffic now and keeps it there while the preferred one is fine', async () => {
    r = await running({ settings: { failback: { delayMs: 1_000, minDwellMs: 0 } } });
    const outcome = await r.settle(r.engine.hold('lte'));
    assert.equal(outcome?.ok, true);
    assert.equal(r.switches.at(-1)?.reason, 'hold');
    await r.tick(10 * 60_000);
    assert.equal(r.engine.status().active, 'lte');
    assert.equal(r.engine.status().uplinks.find((u) => u.id === 'lte')?.held, true);
  });

  it('a held uplink that dies is left at once and returned to after the failback delay', async () => {
    r = await running({ settings: { failback: { delayMs: 20_000 } } });
    await r.settle(r.engine.hold('lte'));
    r.net.set('lte', { dead: true });
    await r.until(() => r.engine.status().active === 'fiber', 5_000);
    r.net.heal('lte');
    await r.until(() => r.engine.status().uplinks.find((u) => u.id === 'lte')?.state === 'up', 30_000);
    const upAt = Date.now();
    await r.until(() => r.engine.status().active === 'lte', 60_000);
    assert.ok(Date.now() - upAt >= 19_000, `returned after ${Date.now() - upAt} ms`);
  });

  it('release ends a hold and the normal failback rules bring traffic home', async () => {
    r = await running({ settings: { failback: { delayMs: 15_000, minDwellMs: 0 } } });
    await r.settle(r.engine.hold('lte'));
    const heldAt = Date.now();
    await r.tick(5_000);
    await r.settle(r.engine.release('lte'));
    assert.equal(r.engine.status().active, 'lte', 'the failback delay since the last switch still runs');
    await r.until(() => r.engine.status().active === 'fiber', 60_000);
    assert.equal(r.switches.at(-1)?.reason, 'failback');
    assert.ok(Date.now() - heldAt >= 15_000 && Date.now() - heldAt < 16_000, `${Date.now() - heldAt} ms`);
  });

  it('forbids an uplink: traffic leaves it now and it is never chosen, even when the rest dies', async () => {
    r = await running();
    await r.settle(r.engine.forbid('fiber'));
    assert.equal(r.engine.status().active, 'lte');
    assert.equal(r.switches.at(-1)?.reason, 'forbid');
    r.net.set('lte', { dead: true });
    await r.tick(60_000);
    assert.equal(r.engine.status().active, 'lte', 'the forbidden uplink is not used');
    const d = r.engine.status().decision;
    assert.equal(d?.kind === 'stay' ? d.reason : d?.kind, 'no-usable-uplink');
    await r.settle(r.engine.release());
    await r.until(() => r.engine.status().active === 'fiber', 5_000);
  });

  it('refuses commands that cannot be carried out, with a clear error', async () => {
    r = await running();
    await rejects(r, r.engine.failover('wifi'), 'E_UNKNOWN_UPLINK');
    r.net.set('lte', { dead: true });
    await r.until(() => r.engine.status().uplinks.find((u) => u.id === 'lte')?.state === 'down', 5_000);
    const err = await rejects(r, r.engine.failover('lte'), 'E_UPLINK_UNUSABLE');
    assert.match(err.message, /lte is down/);
    await r.settle(r.engine.forbid('lte'));
    await rejects(r, r.engine.hold('lte'), 'E_UPLINK_UNUSABLE');
    await rejects(r, r.engine.failback(), 'E_UPLINK_UNUSABLE');
    assert.equal(r.engine.status().active, 'fiber');
  });

  it('fails back on command only to an uplink that is not backed off after a failed switch', async () => {
    r = await running({ settings: { failback: { mode: 'manual' } } });
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte', 5_000);
    r.net.heal('fiber');
    r.net.set('fiber', { forwards: false });
    await r.until(() => r.engine.status().uplinks.find((u) => u.id === 'fiber')?.state === 'up', 30_000);
    await r.settle(r.engine.failback());
    await r.until(() => r.engine.status().active === 'lte' && !r.engine.status().busy, 10_000);
    assert.equal(r.failures.at(-1)?.step, 'verify');
    const tries = r.net.activations.filter((a) => a.uplink === 'fiber').length;
    const err = await rejects(r, r.engine.failback(), 'E_UPLINK_UNUSABLE');
    assert.match(err.message, /fiber is backed off for \d+ s/);
    assert.equal(
      r.net.activations.filter((a) => a.uplink === 'fiber').length,
      tries,
      'no second try into the back-off',
    );
    r.net.set('fiber', { forwards: true });
    await r.tick(10_000);
    assert.equal((await r.settle(r.engine.failback())).ok, true, 'once the back-off has passed');
    assert.equal(r.engine.status().active, 'fiber');
  });

  it('serves concurrent failover requests with one switch', async () => {
    r = await running();
    const before = r.net.activations.length;
    const outcomes = await r.settle(Promise.all([r.engine.failover('lte'), r.engine.failover('lte')]));
    assert.equal(r.net.activations.length - before, 1);
    assert.equal(outcomes.filter((o) => o !== null).length, 1);
    assert.equal(r.engine.status().active, 'lte');
  });

  it('keeps holds across a restart', async () => {
    const store = new MemoryStateStore();
    r = await running({ store });
    await r.settle(r.engine.hold('lte'));
    await r.settle(r.engine.forbid('fiber'));
    await r.stop();
    r = rig({ store, net: { initialRoute: 'lte' } });
    await r.engine.start();
    await r.tick(5 * 60_000);
    const status = r.engine.status();
    assert.equal(status.active, 'lte');
    assert.equal(status.uplinks.find((u) => u.id === 'fiber')?.forbidden, true);
    assert.deepEqual(r.net.activations, []);
  });
});
