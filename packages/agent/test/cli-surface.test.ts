/**
 * What scripts and operators rely on besides the commands themselves: help
 * and version, exit codes that tell "no agent" from "not allowed", JSON on
 * stdout for errors too, a closed pipe, YAML mistakes at their place, and
 * `run` refusing what cannot work. The CLI runs as a child process, as an
 * operator's shell would run it (as root, or as nobody through setpriv).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { CLI, wanwatch } from './support/agent.js';
import { TempDir } from './support/tmp.js';

const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

/** Runs the CLI through `prefix` (setpriv…) and collects its exit code and output. */
function runAs(
  prefix: readonly string[],
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const [file, ...rest] = [...prefix, process.execPath, CLI, ...args];
    const child = spawn(file!, rest, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const LINUX = (dir: TempDir) => `platform: linux
state: ${dir.join('state')}
control: { socket: ${dir.join('wanwatch.sock')} }
uplinks:
  - { name: fiber, interface: eth1, targets: [192.0.2.10] }
`;

describe('the wanwatch CLI for scripts and operators', function () {
  this.timeout(30_000);
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  describe('help and version', () => {
    it('lists every command with `help` and describes one with `help COMMAND` or `COMMAND --help`', async () => {
      const all = await wanwatch('help');
      assert.equal(all.code, 0);
      for (const line of [
        /^ {2}run +run the agent/m,
        /^ {2}failover UPLINK +switch to UPLINK now$/m,
        /^ {2}release \[UPLINK\] +release/m,
        /^ {2}completion bash\|zsh +/m,
        /^ {3}3 {2}no agent answers/m,
        /^ {3}4 {2}permission denied on the control socket/m,
      ])
        assert.match(all.stdout, line);
      assert.doesNotMatch(all.stdout, /__uplinks/);
      const one = await wanwatch('help', 'failover');
      assert.equal(one.code, 0);
      assert.match(one.stdout, /^usage: wanwatch failover UPLINK \[-c FILE\] \[-s PATH\] \[--json\] \[--to UPLINK\]\n/);
      assert.match(one.stdout, /^ {2}--to UPLINK +the uplink \(the same as giving it as the argument\)$/m);
      assert.match(one.stdout, /^examples\n {2}wanwatch failover lte$/m);
      assert.equal((await wanwatch('failover', '--help')).stdout, one.stdout);
      assert.equal((await wanwatch('failover', '-h')).stdout, one.stdout);
      const none = await wanwatch('help', 'frobnicate');
      assert.equal(none.code, 64);
      assert.equal(none.stderr, 'wanwatch: no command "frobnicate" (see wanwatch help)\n');
    });

    it('with no command prints the overview and exits 64; --help exits 0', async () => {
      const bare = await wanwatch();
      assert.equal(bare.code, 64);
      assert.match(bare.stdout, /^usage: wanwatch COMMAND/);
      assert.equal((await wanwatch('--help')).code, 0);
    });

    it('prints its version with `version`, --version and -V', async () => {
      for (const args of [['version'], ['--version'], ['-V']]) {
        const r = await wanwatch(...args);
        assert.equal(r.code, 0);
        assert.match(r.stdout, /^wanwatch \d+\.\d+\.\d+\n$/);
      }
      const j = JSON.parse((await wanwatch('version', '--json')).stdout) as { version: string; node: string };
      assert.match(j.version, /^\d+\.\d+\.\d+$/);
      assert.equal(j.node, process.version);
    });
  });

  describe('exit codes and JSON', () => {
    it('prints JSON on stdout for errors with --json: no agent, bad config, bad command line', async () => {
      const noAgent = await wanwatch('status', '--json', '-s', dir.join('none.sock'));
      assert.equal(noAgent.code, 3);
      assert.deepEqual(JSON.parse(noAgent.stdout), {
        ok: false,
        error: {
          code: 'E_NO_AGENT',
          message: `no wanwatch agent is running (nothing answers on ${dir.join('none.sock')})`,
          exitCode: 3,
        },
      });
      assert.match(noAgent.stderr, /^wanwatch: no wanwatch agent is running/);

      const bad = dir.file(
        'bad.yaml',
        'platform: simulated\nuplinks:\n  - { name: fiber, interface: eth1, targets: [nope] }\n',
      );
      const config = await wanwatch('check-config', '--json', '-c', bad);
      assert.equal(config.code, 2);
      const { error } = JSON.parse(config.stdout) as {
        error: { code: string; exitCode: number; issues: { line: number; col: number; path: string }[] };
      };
      assert.equal(error.code, 'E_CONFIG');
      assert.equal(error.exitCode, 2);
      assert.deepEqual(
        error.issues.map((i) => [i.line, i.col, i.path]),
        [[3, 47, 'uplinks[0].targets[0]']],
      );

      const usage = await wanwatch('status', '--json', '--bogus');
      assert.equal(usage.code, 64);
      assert.equal((JSON.parse(usage.stdout) as { error: { code: string } }).error.code, 'E_USAGE');
    });

    it('tells "permission denied on the socket" (4) from "no agent running" (3)', async () => {
      // The agent's socket: mode 0600, root's; its directory may be entered by anyone.
      chmodSync(dir.path, 0o755);
      const socket = dir.join('wanwatch.sock');
      const server: Server = createServer((c) => c.end());
      await new Promise<void>((resolve) => server.listen(socket, resolve));
      try {
        chmodSync(socket, 0o600);
        const denied = await runAs(NOBODY, 'status', '--json', '-s', socket);
        assert.equal(denied.code, 4, denied.stderr);
        assert.equal(denied.stderr, `wanwatch: permission denied on ${socket} (the control socket is root-only)\n`);
        assert.equal((JSON.parse(denied.stdout) as { error: { code: string } }).error.code, 'E_PERMISSION');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
      const none = await runAs(NOBODY, 'status', '-s', socket);
      assert.equal(none.code, 3, none.stderr);
    });

    it('ends quietly when the reader of its output goes away (wanwatch demo | head)', async () => {
      const child = spawn(process.execPath, [CLI, 'demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      // head -1: read the first chunk, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(stderr, '');
      assert.equal(code, 0);
    });
  });

  describe('YAML mistakes', () => {
    it('reports a syntax error at its line and column, not 1:1', async () => {
      const tab = dir.file('tab.yaml', 'platform: simulated\nprobe:\n  interval: 1s\n\tspread: 5%\n');
      const r = await wanwatch('check-config', '-c', tab);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `${tab}:4:1: (yaml): Tabs are not allowed as indentation\n`);
      const twice = dir.file(
        'twice.yaml',
        'platform: simulated\nuplinks:\n  - name: fiber\n    interface: eth1\n    interface: eth2\n',
      );
      assert.equal(
        (await wanwatch('check-config', '-c', twice)).stderr,
        `${twice}:5:5: (yaml): Map keys must be unique\n`,
      );
    });

    it('reports an undefined alias and an alias bomb as config errors (exit 2) at the alias', async () => {
      const undefinedAlias = dir.file('a.yaml', 'platform: simulated\nprobe: *defaults\nuplinks: []\n');
      const a = await wanwatch('check-config', '-c', undefinedAlias);
      assert.equal(a.code, 2);
      assert.equal(
        a.stderr,
        `${undefinedAlias}:2:8: (yaml): alias *defaults names no anchor defined before it (&defaults)\n`,
      );
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      for (const [i, name] of ['b', 'c', 'd', 'e', 'f'].entries())
        bomb.push(`${name}: &${name} [${Array(9).fill(`*${'abcde'[i]}`).join(', ')}]`);
      const b = await wanwatch('check-config', '-c', dir.file('b.yaml', `${bomb.join('\n')}\n`));
      assert.equal(b.code, 2);
      assert.match(b.stderr, /b\.yaml:2:\d+: \(yaml\): the aliases expand to more than 100 nodes/);
      assert.equal(b.stderr.trim().split('\n').length, 1);
    });
  });

  describe('run refuses what cannot work', () => {
    it('refuses the linux platform without root (exit 2, a clear line, nothing left behind)', async () => {
      chmodSync(dir.path, 0o755);
      const config = dir.file('linux.yaml', LINUX(dir));
      const r = await runAs(NOBODY, 'run', '-c', config);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(
        r.stderr,
        "wanwatch: cannot run: the linux platform needs CAP_NET_ADMIN (routes, rules) and CAP_NET_RAW (probes bound to each uplink's device); " +
          'this process lacks CAP_NET_ADMIN and CAP_NET_RAW (uid 65534, not root): run it as root, or grant them (AmbientCapabilities= in the systemd unit)\n',
      );
      assert.equal(r.stdout, '');
    });

    it('refuses the linux platform as root without CAP_NET_ADMIN', async () => {
      const config = dir.file('linux.yaml', LINUX(dir));
      const r = await runAs(['setpriv', '--bounding-set=-net_admin', '--inh-caps=-net_admin'], 'run', '-c', config);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^wanwatch: cannot run: .* lacks CAP_NET_ADMIN \(root without them\)/);
    });

    it('lets the simulated platform run without privileges', async () => {
      const home = new TempDir();
      try {
        chmodSync(home.path, 0o755);
        const own = home.file(
          'sim.yaml',
          LINUX(dir).replace('platform: linux', 'platform: simulated').replaceAll(dir.path, home.join('nobody')),
        );
        mkdirSync(home.join('nobody'), { mode: 0o700 });
        chownSync(home.join('nobody'), 65534, 65534);
        const child = spawn(NOBODY[0]!, [...NOBODY.slice(1), process.execPath, CLI, 'run', '-c', own], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let log = '';
        const running = new Promise<void>((resolve) => {
          const read = (c: Buffer) => {
            log += c.toString();
            if (/engine running/.test(log)) resolve();
          };
          child.stdout.on('data', read);
          child.stderr.on('data', read);
        });
        const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
        await Promise.race([running, exited]);
        child.kill('SIGTERM');
        assert.equal(await exited, 0, log);
        assert.match(log, /engine running/);
      } finally {
        home.remove();
      }
    });
  });
});
