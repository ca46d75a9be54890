/**
 * `Type=notify`: the agent tells systemd it is ready once its engine runs,
 * and that it is stopping, through systemd's own systemd-notify. systemd's
 * side is stood in for by a datagram socket at NOTIFY_SOCKET (Python's
 * socket module: Node has no unix datagram sockets) that, like systemd,
 * closes the barrier descriptor systemd-notify sends and waits on.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { SystemdNotifier } from '../src/notify/systemd.js';
import { AgentProcess, wanwatch } from './support/agent.js';
import { TempDir } from './support/tmp.js';

const RECEIVER = `
import array, json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps("listening"), flush=True)
while True:
    msg, ancillary, _flags, _addr = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    print(json.dumps(msg.decode()), flush=True)
`;

/** A stand-in for systemd's notify socket: the messages it got, in order. */
class NotifySocket {
  readonly messages: string[] = [];
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(readonly path: string) {
    this.child = spawn('python3', ['-c', RECEIVER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    this.child.stdout!.on('data', (c: Buffer) => {
      buffer += c.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        this.messages.push(JSON.parse(buffer.slice(0, nl)) as string);
        buffer = buffer.slice(nl + 1);
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  /** Resolves with the first message matching `pattern` (from the start). */
  async message(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find((m) => pattern.test(m));
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error(`no message matching ${pattern}: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, end - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}

describe('systemd readiness (Type=notify)', function () {
  this.timeout(40_000);
  let dir: TempDir;
  let systemd: NotifySocket;
  let agent: AgentProcess | undefined;

  beforeEach(async () => {
    dir = new TempDir();
    systemd = new NotifySocket(dir.join('notify.sock'));
    await systemd.message(/^listening$/);
  });
  afterEach(async () => {
    await agent?.kill();
    agent = undefined;
    systemd.close();
    dir.remove();
  });

  it('says READY=1 once the engine runs and answers, and STOPPING=1 on SIGTERM', async () => {
    const socket = dir.join('wanwatch.sock');
    const config = dir.file(
      'wanwatch.yaml',
      [
        'platform: simulated',
        `state: ${dir.join('state')}`,
        `control: { socket: ${socket} }`,
        'uplinks:',
        '  - { name: fiber, interface: eth1, targets: [192.0.2.10] }',
        '',
      ].join('\n'),
    );
    agent = new AgentProcess(config, { NOTIFY_SOCKET: systemd.path });
    const ready = await systemd.message(/READY=1/);
    assert.match(ready, /^READY=1$/m);
    assert.match(ready, /^STATUS=running; active uplink (none|fiber)$/m);
    // Ready means ready: the control socket answers at that moment.
    assert.equal((await wanwatch('status', '-s', socket)).code, 0);
    assert.ok(!systemd.messages.some((m) => /STOPPING/.test(m)));
    agent.signal('SIGTERM');
    await systemd.message(/^STOPPING=1$/m);
    assert.equal(await agent.exited, 0);
  });

  it('does nothing without NOTIFY_SOCKET, and warns once when systemd-notify cannot be run', async () => {
    assert.equal(await new SystemdNotifier({ env: {} }).notify({ READY: '1' }), false);
    const warnings: string[] = [];
    const notifier = new SystemdNotifier({
      env: { NOTIFY_SOCKET: systemd.path },
      command: dir.join('no-such-systemd-notify'),
      warn: (m) => warnings.push(m),
    });
    assert.equal(await notifier.notify({ READY: '1' }), false);
    assert.equal(await notifier.notify({ STOPPING: '1' }), false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^NOTIFY_SOCKET is set but .*no-such-systemd-notify is not installed/);
    assert.equal(await new SystemdNotifier({ env: { NOTIFY_SOCKET: systemd.path } }).notify({ STATUS: 'x' }), true);
    await systemd.message(/^STATUS=x$/);
  });
});
