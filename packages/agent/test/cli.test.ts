import assert from 'node:assert/strict';
import { TempDir } from './support/tmp.js';
import { wanwatch, type CliResult } from './support/agent.js';

const GOOD = (dir: TempDir, platform = 'simulated') => `platform: ${platform}
state: ${dir.join('state')}
control: { socket: ${dir.join('run', 'wanwatch.sock')} }
uplinks:
  - name: fiber
    interface: eth1
    targets: [gateway, 192.0.2.10]
    probes: [icmp, tcp:443]
  - name: lte
    interface: wwan0
    targets: [192.0.2.10]
`;

/** One line (or one per config problem) on stderr, no stack trace, nothing on stdout. */
function oneLineError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr.trim(), pattern);
}

describe('the wanwatch CLI', function () {
  this.timeout(30_000);
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  it('check-config prints the effective config with defaults and expanded targets, exit 0', async () => {
    const file = dir.file('wanwatch.yaml', GOOD(dir));
    const r = await wanwatch('check-config', '-c', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# .*wanwatch\.yaml: valid\./);
    assert.match(r.stdout, /^probe:\n {2}interval: 500ms\n/m);
    assert.match(r.stdout, /^ {4}priority: 20$/m);
    assert.match(r.stdout, /^# {3}fiber \(priority 10\): gateway, 192\.0\.2\.10, tcp:192\.0\.2\.10:443$/m);
    const json = JSON.parse((await wanwatch('check-config', '-c', file, '--json')).stdout) as {
      settings: { probe: { intervalMs: number } };
    };
    assert.equal(json.settings.probe.intervalMs, 500);
  });

  it('check-config of a bad config exits 2 with one file:line:col line per problem', async () => {
    const file = dir.file('bad.yaml', `${GOOD(dir)}health: { down: 0, up: x }\nfailback: { dealy: 1m }\n`);
    const r = await wanwatch('check-config', '-c', file);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.replace(file, 'F').replace(/: .*$/, '')),
      ['F:12:17', 'F:12:24', 'F:13:13'],
      r.stderr,
    );
    assert.match(lines[2]!, /failback\.dealy: unknown key "dealy"; did you mean delay\?/);
  });

  it('exits 2 for an unreadable config, 64 for a wrong command line', async () => {
    oneLineError(
      await wanwatch('check-config', '-c', dir.join('none.yaml')),
      2,
      /none\.yaml: cannot read the config: no such file$/,
    );
    oneLineError(await wanwatch('status', '--bogus'), 64, /^wanwatch: Unknown option '--bogus'/);
    oneLineError(await wanwatch('frobnicate'), 64, /^wanwatch: unknown command "frobnicate"/);
    oneLineError(await wanwatch('failover', '-s', dir.join('s')), 64, /^usage: wanwatch failover UPLINK$/);
    oneLineError(
      await wanwatch('failover', 'lte', '--to', 'fiber', '-s', dir.join('s')),
      64,
      /^wanwatch: wanwatch failover: two uplinks given \(lte and --to fiber\)$/,
    );
    oneLineError(await wanwatch('hold', 'a', 'b'), 64, /^usage: wanwatch hold UPLINK \[-c FILE\]/);
    oneLineError(await wanwatch('status', '--to', 'x', '-s', dir.join('s')), 64, /option --to does not apply/);
    oneLineError(
      await wanwatch('history', '--since', 'yesterday-ish', '-s', dir.join('s')),
      64,
      /--since must be a duration/,
    );
  });

  it('exits 3 when no agent answers, naming the socket', async () => {
    const socket = dir.join('nothing.sock');
    for (const args of [
      ['status'],
      ['failover', 'lte'],
      ['failover', '--to', 'lte'],
      ['failback'],
      ['hold', 'lte'],
      ['release'],
      ['forbid', 'lte'],
      ['reload'],
    ])
      oneLineError(
        await wanwatch(...args, '-s', socket),
        3,
        new RegExp(`^wanwatch: no wanwatch agent is running \\(nothing answers on ${socket}\\)$`),
      );
    const viaConfig = await wanwatch('status', '-c', dir.file('c.yaml', GOOD(dir)));
    oneLineError(viaConfig, 3, /nothing answers on .*run\/wanwatch\.sock/);
  });

  it('checks a linux config without touching the network, with the adapter defaults filled in', async () => {
    // Running the linux platform changes routes and rules: that happens only inside lab namespaces (test/e2e).
    const r = await wanwatch('check-config', '--json', '-c', dir.file('linux.yaml', GOOD(dir, 'linux')));
    assert.equal(r.code, 0, r.stderr);
    const { config } = JSON.parse(r.stdout) as { config: { platform: string; linux: Record<string, unknown> } };
    assert.equal(config.platform, 'linux');
    assert.deepEqual(config.linux, {
      tableBase: 100,
      rulePriority: 1000,
      metric: 10,
      conntrack: 'old-uplink',
      cleanupOnStop: false,
      commandTimeout: '5s',
    });
  });

  it('refuses a bad config without a stack trace', async () => {
    oneLineError(
      await wanwatch('run', '-c', dir.file('bad.yaml', `${GOOD(dir)}bogus: 1\n`)),
      2,
      /bad\.yaml:12:1: bogus: unknown key "bogus"/,
    );
  });

  it('runs the demo', async () => {
    const r = await wanwatch('demo');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /switch +fiber → lte \(failover\)/);
    assert.match(r.stdout, /end: active uplink fiber; routing on fiber; 3 switches in 270 s/);
  });
});
