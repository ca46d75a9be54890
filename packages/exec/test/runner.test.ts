import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, ExecaRunner, showCommand } from '../src/index.js';

/** Runs `work`, which must reject with a CommandError, and returns that error. */
async function failure(work: Promise<unknown>): Promise<CommandError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof CommandError, `a CommandError, not ${String(err)}`);
    return err;
  }
  assert.fail('the command should have failed');
}

describe('exec: the command runner of the adapters', function () {
  this.timeout(10_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wanwatch-exec-'));
    // An emulated command found through the runner's search path, as the OPNsense tests use them.
    writeFileSync(join(dir, 'configctl'), '#!/bin/sh\necho "configctl $*"\necho "LC_ALL=$LC_ALL EXTRA=$EXTRA" >&2\n');
    chmodSync(join(dir, 'configctl'), 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('returns what a command printed, with the C locale, the search path and extra environment', async () => {
    const runner = new ExecaRunner({ timeoutMs: 2000, path: [dir], env: { EXTRA: 'a' } });
    const result = await runner.run(['configctl', 'interface', 'linkup', 'start', 'vtnet1']);
    assert.deepEqual(result, {
      stdout: 'configctl interface linkup start vtnet1',
      stderr: 'LC_ALL=C EXTRA=a',
      exitCode: 0,
    });
    const own = await runner.run(['configctl'], { env: { EXTRA: 'b' } });
    assert.equal(own.stderr, 'LC_ALL=C EXTRA=b', "a command's own environment wins");
  });

  it('puts the prefix in front of every command, and names it in errors', async () => {
    const runner = new ExecaRunner({ timeoutMs: 2000, prefix: ['env', 'WHO=lab'] });
    assert.equal((await runner.run(['sh', '-c', 'echo $WHO'])).stdout, 'lab');
    const err = await failure(runner.run(['sh', '-c', 'echo "RTNETLINK answers: File exists" >&2; exit 2']));
    assert.deepEqual(err.command.slice(0, 2), ['env', 'WHO=lab']);
    assert.equal(err.exitCode, 2);
    assert.equal(err.stderr, 'RTNETLINK answers: File exists');
    assert.match(err.message, /^env WHO=lab sh -c .* failed: exit 2: RTNETLINK answers: File exists$/);
  });

  it('fails with the code and uplink asked for, and accepts the exit codes declared fine', async () => {
    const runner = new ExecaRunner({ timeoutMs: 2000 });
    const err = await failure(runner.run(['false'], { code: 'E_ACTIVATE_FAILED', uplink: 'wan2' }));
    assert.equal(err.code, 'E_ACTIVATE_FAILED');
    assert.equal(err.uplink, 'wan2');
    assert.equal((await runner.run(['false'], { okExitCodes: [1] })).exitCode, 1);
  });

  it('says a program is missing, directly or behind a prefix', async () => {
    const direct = await failure(new ExecaRunner({ timeoutMs: 2000 }).run(['wanwatch-no-such-program']));
    assert.equal(direct.missing, true);
    assert.match(direct.message, /wanwatch-no-such-program not found/);
    const behind = await failure(
      new ExecaRunner({ timeoutMs: 2000, prefix: ['env'] }).run(['wanwatch-no-such-program']),
    );
    assert.equal(behind.missing, true);
    assert.equal(behind.exitCode, 127);
  });

  it('keeps its time limit even when a grandchild holds the output open', async () => {
    const runner = new ExecaRunner({ timeoutMs: 2000 });
    const started = Date.now();
    // The shell is killed at the limit; its `sleep` keeps stdout open until the hard deadline.
    const err = await failure(runner.run(['sh', '-c', 'sleep 30; echo late'], { timeoutMs: 200 }));
    assert.equal(err.timedOut, true);
    assert.match(err.message, /timed out after 200 ms/);
    assert.ok(Date.now() - started < 5000, 'not the 30 s of the grandchild');
  });

  it('stops a command when the caller aborts', async () => {
    const runner = new ExecaRunner({ timeoutMs: 5000 });
    const abort = new AbortController();
    const pending = runner.run(['sleep', '30'], { signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    const err = await failure(pending);
    assert.equal(err.aborted, true);
    assert.match(err.message, /sleep 30 failed: aborted/);
  });

  it('refuses an empty command, and quotes arguments with spaces when showing one', async () => {
    await assert.rejects(new ExecaRunner({ timeoutMs: 1000, prefix: ['env'] }).run([]), RangeError);
    assert.equal(showCommand(['route', 'add', '-inet', 'default', 'a b']), 'route add -inet default "a b"');
  });
});
