import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { ControlError, ControlService, listenControl, request, type EngineHost } from '@wanwatch/agent';
import { TempDir } from '../support/tmp.js';

const host: EngineHost = {
  engine: () => null,
  info: () => ({ pid: 1, version: 't', config: '/x', platform: 'simulated', startedAt: 0, reloadedAt: null }),
  reload: async () => undefined,
};

const rejectsWith = async (work: Promise<unknown>, code: string, pattern: RegExp) =>
  assert.rejects(work, (err: unknown) => err instanceof ControlError && err.code === code && pattern.test(err.message));

describe('control socket', () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  it('is created with mode 0600 and answers requests, one error line per bad one', async () => {
    const path = dir.join('ctl.sock');
    const server = await listenControl(path, new ControlService(host));
    try {
      assert.equal(statSync(path).mode & 0o777, 0o600);
      await rejectsWith(request(path, 'status'), 'E_STOPPED', /starting or reloading/);
      await rejectsWith(request(path, 'bogus' as never), 'E_BAD_REQUEST', /unknown command "bogus"/);
      await rejectsWith(request(path, 'hold', { uplink: 7 }), 'E_BAD_REQUEST', /"uplink" must be an uplink name/);
    } finally {
      await server.close();
    }
  });

  it('refuses to start while another agent answers on the socket', async () => {
    const path = dir.join('ctl.sock');
    const first = await listenControl(path, new ControlService(host));
    try {
      await rejectsWith(listenControl(path, new ControlService(host)), 'E_SOCKET', /another wanwatch agent is running/);
    } finally {
      await first.close();
    }
  });

  it('removes a stale socket left by an agent that died', async () => {
    const path = dir.join('ctl.sock');
    // A process that listens and is killed leaves its socket file behind.
    const child = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`,
    ]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(lstatSync(path).isSocket());
    const server = await listenControl(path, new ControlService(host));
    try {
      assert.equal(server.stale, true);
      await rejectsWith(request(path, 'status'), 'E_STOPPED', /starting/);
    } finally {
      await server.close();
    }
  });

  it('refuses a directory others can write to, and a path that is not a socket', async () => {
    const open = dir.join('open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    await rejectsWith(
      listenControl(`${open}/ctl.sock`, new ControlService(host)),
      'E_SOCKET',
      /writable by group or others/,
    );
    const file = dir.join('file');
    writeFileSync(file, '');
    await rejectsWith(listenControl(file, new ControlService(host)), 'E_SOCKET', /is not a socket/);
  });

  it('tells a client that no agent is running', async () => {
    await rejectsWith(request(dir.join('none.sock'), 'status'), 'E_NO_AGENT', /no wanwatch agent is running/);
  });
});
