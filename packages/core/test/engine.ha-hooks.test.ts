import assert from 'node:assert/strict';
import type { RoleEvent, WarningEvent } from '../src/events.js';
import { ManualRole, RecordingHooks } from '../src/testing/index.js';
import { cleanupRigs, rig, running, type Rig } from './helpers.js';

describe('engine: HA roles', () => {
  let r: Rig;
  afterEach(cleanupRigs);

  it('as backup activates nothing; as master takes the best uplink; back to backup releases it', async () => {
    const role = new ManualRole('backup');
    r = rig({ engine: { roleSource: role } });
    const roles: RoleEvent[] = [];
    r.engine.on('role', (e) => roles.push(e));
    await r.engine.start();
    await r.tick(30_000);
    assert.deepEqual(r.net.activations, []);
    assert.deepEqual(r.net.roleCalls, ['backup']);
    assert.equal(r.engine.status().uplinks.find((u) => u.id === 'fiber')?.state, 'up', 'probing continues as backup');
    role.set('master');
    await r.until(() => r.engine.status().active === 'fiber', 5_000);
    assert.equal(r.switches[0]?.reason, 'initial');
    role.set('backup');
    await r.until(() => r.engine.status().active === null, 5_000);
    assert.deepEqual(r.net.roleCalls, ['backup', 'master', 'backup']);
    assert.equal(r.net.route, null);
    assert.deepEqual(
      roles.map((e) => `${e.previous}→${e.role}`),
      ['backup→master', 'master→backup'],
    );
    await r.tick(30_000);
    assert.equal(r.engine.status().active, null, 'a backup does not fail over');
  });

  it('keeps a role change that arrives while the engine is starting', async () => {
    // The role flips right after it was read, before the engine runs: a CARP or VRRP burst at boot.
    const role = new ManualRole('master');
    const read = role.current.bind(role);
    role.current = async () => {
      const now = await read();
      queueMicrotask(() => role.set('backup'));
      return now;
    };
    r = rig({ engine: { roleSource: role } });
    await r.engine.start();
    await r.tick(30_000);
    assert.deepEqual(r.net.roleCalls, ['backup']);
    assert.equal(r.engine.status().active, null, 'the box became backup and carries nothing');
  });

  it('refuses operator switches on a backup box', async () => {
    const role = new ManualRole('backup');
    r = rig({ engine: { roleSource: role } });
    await r.engine.start();
    await assert.rejects(r.settle(r.engine.failover('fiber')), /HA backup/);
  });
});

describe('engine: hooks', () => {
  let r: Rig;
  afterEach(cleanupRigs);

  it('runs pre and post hooks with the documented environment', async () => {
    r = await running();
    r.hooks.calls.length = 0;
    r.net.set('fiber', { dead: true });
    await r.until(() => r.engine.status().active === 'lte' && r.hooks.calls.length === 2, 5_000);
    const [pre, post] = r.hooks.calls;
    assert.equal(pre?.phase, 'pre');
    assert.equal(post?.phase, 'post');
    assert.equal(pre?.timeoutMs, 10_000);
    assert.deepEqual(
      {
        reason: pre?.env.WANWATCH_REASON,
        from: pre?.env.WANWATCH_FROM,
        to: pre?.env.WANWATCH_TO,
        fromState: pre?.env.WANWATCH_FROM_STATE,
        toState: pre?.env.WANWATCH_TO_STATE,
        role: pre?.env.WANWATCH_ROLE,
        trial: pre?.env.WANWATCH_TRIAL,
        result: post?.env.WANWATCH_RESULT,
      },
      {
        reason: 'failover',
        from: 'fiber',
        to: 'lte',
        fromState: 'down',
        toState: 'up',
        role: 'master',
        trial: '0',
        result: 'ok',
      },
    );
    assert.match(pre.env.WANWATCH_TO_RTT_MS!, /^\d+(\.\d)?$/);
    assert.ok(Number(pre?.env.WANWATCH_FROM_LOSS_PCT) > 0);
    assert.match(pre?.env.WANWATCH_FROM_REASON ?? '', /rounds failed: 0 of 3 targets answered/);
    assert.ok(!Number.isNaN(Date.parse(pre.env.WANWATCH_TIME!)));
    assert.equal(pre?.env.WANWATCH_SWITCH_ID, post?.env.WANWATCH_SWITCH_ID);
  });

  it('tells the post hook when a switch failed, and why', async () => {
    r = await running();
    r.net.failActivation({ uplink: 'lte', kind: 'reject' });
    r.hooks.calls.length = 0;
    r.net.set('fiber', { dead: true });
    await r.until(() => r.failures.length > 0, 5_000);
    const post = r.hooks.calls.find((c) => c.phase === 'post');
    assert.equal(post?.env.WANWATCH_RESULT, 'failed');
    assert.match(post?.env.WANWATCH_ERROR ?? '', /simulated failure activating lte/);
  });

  it('a failing or hanging hook never blocks a failover', async () => {
    const hooks = new RecordingHooks(async (call) =>
      call.phase === 'pre' ? new Promise(() => undefined) : { ok: false, exitCode: 3, error: 'exit code 3' },
    );
    r = await running({ engine: { hooks }, settings: { switch: { hookTimeoutMs: 1_000 } } });
    const warnings: WarningEvent[] = [];
    r.engine.on('warning', (w) => warnings.push(w));
    r.net.set('fiber', { dead: true });
    const took = await r.until(() => r.engine.status().active === 'lte', 10_000);
    assert.ok(took < 3_500, `failover took ${took} ms with a hanging pre hook`);
    assert.deepEqual(
      warnings.map((w) => w.error.code),
      ['E_HOOK_FAILED', 'E_HOOK_FAILED'],
    );
  });
});
