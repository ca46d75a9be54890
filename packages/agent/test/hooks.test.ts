import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hookEnvironment, type HookContext, type Uplink } from '@wanwatch/core';
import { ExecHookRunner } from '@wanwatch/agent';
import { TempDir } from './support/tmp.js';

const fiber: Uplink = { id: 'fiber', priority: 10, interface: 'eth1', gateway: '192.0.2.1', targets: ['192.0.2.10'] };
const lte: Uplink = { id: 'lte', priority: 20, interface: 'wwan0', targets: ['192.0.2.10'] };
const metrics = { rttMs: 20.04, lossPct: 0, jitterMs: 1.26 };
const context: HookContext = {
  phase: 'pre',
  switchId: 3,
  reason: 'failover',
  detail: 'fiber is down',
  trial: false,
  from: { uplink: fiber, state: 'down', reason: '4 rounds without answers', metrics: { ...metrics, lossPct: 100 } },
  to: { uplink: lte, state: 'up', reason: '6 rounds good', metrics },
  role: 'master',
  at: Date.UTC(2026, 10, 21, 8, 0, 0),
};

/** Running (a killed process whose parent has not reaped it yet is a zombie: not running). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('hooks', function () {
  this.timeout(10_000);
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  it('runs the executable with the documented environment, PATH and nothing else', async () => {
    const out = dir.join('env.txt');
    const script = dir.file('pre', `#!/bin/sh\nenv > '${out}'\n`, 0o755);
    const env = hookEnvironment(context);
    const outcome = await new ExecHookRunner({ pre: script, post: null }).run('pre', env, 5000);
    assert.deepEqual(outcome, { ok: true, exitCode: 0 });
    const seen = Object.fromEntries(
      readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    for (const [key, value] of Object.entries(env)) assert.equal(seen[key], value, key);
    assert.equal(seen.WANWATCH_FROM, 'fiber');
    assert.equal(seen.WANWATCH_TO_INTERFACE, 'wwan0');
    assert.equal(seen.WANWATCH_FROM_LOSS_PCT, '100');
    assert.equal(seen.WANWATCH_TIME, '2026-11-21T08:00:00.000Z');
    const extra = Object.keys(seen).filter(
      (k) => !k.startsWith('WANWATCH_') && !['PATH', 'PWD', 'SHLVL', '_'].includes(k),
    );
    assert.deepEqual(extra, [], 'the agent’s own environment does not leak into hooks');
  });

  it('is a no-op for a phase without a hook', async () => {
    assert.deepEqual(await new ExecHookRunner({ pre: null, post: null }).run('post', {}, 1000), { ok: true });
  });

  it('reports a non-zero exit with the end of stderr', async () => {
    const script = dir.file('post', '#!/bin/sh\necho "first" >&2\necho "cannot reach the pager" >&2\nexit 3\n', 0o755);
    const outcome = await new ExecHookRunner({ pre: null, post: script }).run('post', hookEnvironment(context), 5000);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.exitCode, 3);
    assert.equal(outcome.error, `${script} exited with code 3: first | cannot reach the pager`);
  });

  it('kills the hook and everything it started at the time limit', async () => {
    const pidFile = dir.join('child.pid');
    const script = dir.file('pre', `#!/bin/sh\nsleep 30 &\necho $! > '${pidFile}'\necho "waiting" >&2\nwait\n`, 0o755);
    const started = Date.now();
    const outcome = await new ExecHookRunner({ pre: script, post: null }).run('pre', {}, 300);
    assert.ok(Date.now() - started < 5000, 'the runner returned soon after the limit');
    assert.equal(outcome.ok, false);
    assert.match(outcome.error!, /killed after 300 ms \(timeout\): waiting$/);
    const child = Number(readFileSync(pidFile, 'utf8'));
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      gone = !alive(child);
      if (!gone) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(gone, `the hook's child ${child} was killed with its process group`);
  });

  it('reports a hook that cannot start', async () => {
    const script = dir.file('pre', 'not a script', 0o755);
    const outcome = await new ExecHookRunner({ pre: script, post: null }).run('pre', {}, 1000);
    assert.equal(outcome.ok, false);
    assert.match(outcome.error!, /could not run|exited/);
  });
});
