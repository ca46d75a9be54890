/**
 * install.sh, uninstall.sh and the initscript, in a temporary root. IPFire's
 * rc functions are stood in for by small stubs (boot_mesg, evaluate_retval,
 * killproc -p, statusproc -p); what is tested is the scripts' own logic:
 * what goes where, and that `start` never fails the boot.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const INSTALL = fileURLToPath(new URL('../install/', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../../examples/ipfire/wanwatch.yaml', import.meta.url));

const FUNCTIONS = `
WARNING=
boot_mesg() { echo "$1"; }
echo_ok() { echo "[  OK  ]"; }
echo_warning() { echo "[ WARN ]"; }
echo_failure() { echo "[ FAIL ]"; }
evaluate_retval() { if [ $? -eq 0 ]; then echo_ok; else echo_failure; fi; return 0; }
killproc() {
  pid=$(cat "$2" 2>/dev/null)
  [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  evaluate_retval
}
statusproc() {
  pid=$(cat "$2" 2>/dev/null)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "\${3##*/} is running with Process ID(s) $pid."
  else echo "\${3##*/} is not running."; fi
}
`;

/** A stand-in bundle: check-config passes unless the config says "broken", run stays up until TERM. */
const FAKE_BUNDLE = `
const [cmd, , file] = process.argv.slice(2);
const fs = await import('node:fs');
if (cmd === 'check-config') process.exit(fs.readFileSync(file, 'utf8').includes('broken') ? 2 : 0);
if (cmd === 'run') { setInterval(() => {}, 1000); process.on('SIGTERM', () => process.exit(0)); }
`;

describe('install.sh, uninstall.sh and the initscript (temporary root)', function () {
  this.timeout(20_000);
  let root: string;
  let work: string;

  const sh = (file: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync('bash', [file, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
  const initscript = (action: string) =>
    sh(join(root, 'etc/rc.d/init.d/wanwatch'), [action], {
      IPFIRE_RC: join(work, 'rc'),
      WANWATCH_PREFIX: join(root, 'opt/wanwatch'),
      WANWATCH_CONFIG: join(root, 'var/ipfire/wanwatch/wanwatch.yaml'),
      WANWATCH_PIDFILE: join(work, 'wanwatch.pid'),
      WANWATCH_LOG: join(work, 'wanwatch.log'),
    });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wanwatch-install-root-'));
    work = mkdtempSync(join(tmpdir(), 'wanwatch-install-work-'));
    writeFileSync(join(work, 'functions'), FUNCTIONS);
    writeFileSync(join(work, 'rc'), `rc_functions=${join(work, 'functions')}\n`);
    writeFileSync(join(work, 'wanwatch.mjs'), FAKE_BUNDLE);
  });
  afterEach(() => {
    initscript('stop');
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  function install(): void {
    const r = sh(join(INSTALL, 'install.sh'), [
      '--root',
      root,
      '--node',
      process.execPath,
      '--bundle',
      join(work, 'wanwatch.mjs'),
      '--config',
      EXAMPLE,
      '--no-start',
    ]);
    assert.equal(r.status, 0, r.stderr);
  }

  it('installs node, the bundle, the CLI, the initscript with its rc symlinks, the config and the backup include', () => {
    install();
    assert.ok(existsSync(join(root, 'opt/wanwatch/bin/node')));
    assert.ok(existsSync(join(root, 'opt/wanwatch/wanwatch.mjs')));
    assert.match(readFileSync(join(root, 'usr/local/bin/wanwatch'), 'utf8'), /exec \/opt\/wanwatch\/bin\/node/);
    assert.equal(readlinkSync(join(root, 'etc/rc.d/rc3.d/S45wanwatch')), '../init.d/wanwatch');
    assert.equal(readlinkSync(join(root, 'etc/rc.d/rc0.d/K10wanwatch')), '../init.d/wanwatch');
    assert.equal(readlinkSync(join(root, 'etc/rc.d/rc6.d/K10wanwatch')), '../init.d/wanwatch');
    assert.equal(lstatSync(join(root, 'var/ipfire/wanwatch')).mode & 0o777, 0o700);
    assert.equal(readFileSync(join(root, 'var/ipfire/wanwatch/wanwatch.yaml'), 'utf8'), readFileSync(EXAMPLE, 'utf8'));
    assert.equal(
      readFileSync(join(root, 'var/ipfire/backup/addons/includes/wanwatch'), 'utf8'),
      '/var/ipfire/wanwatch/wanwatch.yaml\n',
    );
  });

  it('keeps an existing config on reinstall', () => {
    install();
    writeFileSync(join(root, 'var/ipfire/wanwatch/wanwatch.yaml'), 'mine\n');
    install();
    assert.equal(readFileSync(join(root, 'var/ipfire/wanwatch/wanwatch.yaml'), 'utf8'), 'mine\n');
  });

  it('starts, reports running in the words the Services page matches, and stops', () => {
    install();
    const start = initscript('start');
    assert.equal(start.status, 0, start.stdout + start.stderr);
    assert.match(initscript('status').stdout, /node is running with Process ID\(s\) \d+\./);
    assert.equal(initscript('stop').status, 0);
    assert.match(initscript('status').stdout, /is not running/);
  });

  it('never fails the boot: exit 0 with a warning when the config is broken or nothing is installed', () => {
    install();
    writeFileSync(join(root, 'var/ipfire/wanwatch/wanwatch.yaml'), 'broken: yes\n');
    const bad = initscript('start');
    assert.equal(bad.status, 0);
    assert.match(bad.stdout, /has errors .*not started\.\n\[ WARN \]/);
    assert.match(initscript('status').stdout, /is not running/);
    rmSync(join(root, 'opt/wanwatch'), { recursive: true });
    const missing = initscript('start');
    assert.equal(missing.status, 0);
    assert.match(missing.stdout, /not installed completely/);
  });

  it('uninstalls everything but the config and state, and those too with --purge', () => {
    install();
    assert.equal(sh(join(INSTALL, 'uninstall.sh'), ['--root', root]).status, 0);
    for (const f of [
      'opt/wanwatch',
      'etc/rc.d/init.d/wanwatch',
      'etc/rc.d/rc3.d/S45wanwatch',
      'usr/local/bin/wanwatch',
    ])
      assert.ok(!existsSync(join(root, f)), f);
    assert.ok(existsSync(join(root, 'var/ipfire/wanwatch/wanwatch.yaml')));
    assert.equal(sh(join(INSTALL, 'uninstall.sh'), ['--root', root, '--purge']).status, 0);
    assert.ok(!existsSync(join(root, 'var/ipfire/wanwatch')));
  });
});
