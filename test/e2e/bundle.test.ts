/**
 * The shipped forms of the agent for boxes without Node.js packages (IPFire):
 * `npm run bundle` (one .mjs for a plain node) and `npm run sea` (a single
 * executable), each built into a directory with no node_modules and run
 * from there. The .mjs bundle's probing through the system ping is covered
 * on real packets by ipfire-agent.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUNDLER = fileURLToPath(new URL('../../scripts/bundle.js', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/ipfire/wanwatch.yaml', import.meta.url));

describe('the single-file bundle and the single executable', function () {
  this.timeout(60_000);
  let dir: string;
  let forms: { name: string; argv: string[] }[];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wanwatch-bundle-test-'));
    execFileSync(process.execPath, [BUNDLER, '--out', join(dir, 'wanwatch.mjs'), '--sea', join(dir, 'wanwatch')], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    forms = [
      { name: 'node wanwatch.mjs', argv: [process.execPath, join(dir, 'wanwatch.mjs')] },
      { name: 'the single executable', argv: [join(dir, 'wanwatch')] },
    ];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (argv: string[], ...args: string[]) => {
    const [file, ...rest] = argv;
    return spawnSync(file!, [...rest, ...args], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 20_000,
      env: { PATH: '/usr/bin:/bin' },
    });
  };

  it('builds one JavaScript file of about 3 MB, and a stripped executable with no build path inside', () => {
    const size = statSync(join(dir, 'wanwatch.mjs')).size;
    assert.ok(size > 500_000 && size < 8_000_000, `${size} bytes`);
    const sea = join(dir, 'wanwatch');
    assert.ok(statSync(sea).mode & 0o100);
    const sections = execFileSync('readelf', ['-S', '-W', sea], { encoding: 'utf8' });
    assert.doesNotMatch(sections, /\.symtab\b/, 'symbol tables stripped');
    // The bundle was built in a temporary directory under relative names: nothing of it is inside.
    const inside = execFileSync('strings', ['-n', '12', sea], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    assert.doesNotMatch(inside, /wanwatch-sea-\d+|wanwatch-bundle-test-/);
  });

  it('the single executable starts without a warning', () => {
    const r = run([join(dir, 'wanwatch')], 'version');
    assert.equal(r.status, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'wanwatch 0.1.0\n');
  });

  it('each knows its version and validates the IPFire example', () => {
    for (const form of forms) {
      const version = run(form.argv, '--version');
      assert.equal(version.stdout.trim(), 'wanwatch 0.1.0', `${form.name}: ${version.stderr}`);
      const check = run(form.argv, 'check-config', '-c', EXAMPLE);
      assert.equal(check.status, 0, `${form.name}: ${check.stderr}`);
      assert.match(check.stdout, /^platform: ipfire$/m);
    }
  });

  it('each serves the status page from inside itself', async () => {
    writeFileSync(join(dir, 'token'), 'bundle-test-token-0123456789', { mode: 0o600 });
    for (const [i, form] of forms.entries()) {
      const state = join(dir, `state-${i}`);
      mkdirSync(state, { recursive: true });
      const config = join(dir, `page-${i}.yaml`);
      writeFileSync(
        config,
        [
          'platform: simulated',
          `state: ${state}`,
          `control: { socket: ${join(state, 'wanwatch.sock')}, http: { listen: "127.0.0.1:0", tokenFile: ${join(dir, 'token')} } }`,
          'uplinks:',
          '  - { name: fiber, interface: eth1, targets: [192.0.2.10] }',
          '  - { name: lte, interface: wwan0, targets: [192.0.2.10] }',
          '',
        ].join('\n'),
      );
      const [file, ...rest] = form.argv;
      const child = spawn(file!, [...rest, 'run', '-c', config], { cwd: dir, env: { PATH: '/usr/bin:/bin' } });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let log = '';
          const timer = setTimeout(() => reject(new Error(`${form.name}: no HTTP address in\n${log}`)), 15_000);
          const read = (chunk: Buffer) => {
            log += chunk.toString();
            const found = /status page on (http:\/\/\S+)/.exec(log);
            if (found) {
              clearTimeout(timer);
              resolve(found[1]!);
            }
          };
          child.stdout.on('data', read);
          child.stderr.on('data', read);
        });
        for (const path of [
          '',
          'app.js',
          'style.css',
          'favicon.svg',
          'vendor/uPlot.iife.min.js',
          'vendor/uPlot.min.css',
        ]) {
          const res = await fetch(new URL(path, url));
          assert.equal(res.status, 200, `${form.name} /${path}`);
          assert.ok((await res.text()).length > 100, `${form.name} /${path} has content`);
        }
      } finally {
        child.kill('SIGKILL');
      }
    }
  });

  it('each reports a broken config with file, line and key, and exit 2', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'platform: ipfire\nipfire:\n  profiles:\n    wan: { ppp: 1 }\nuplinks:\n  - name: wan\n    interface: ppp0\n    targets: [192.0.2.10]\n    prioirty: 1\n',
    );
    for (const form of forms) {
      const check = run(form.argv, 'check-config', '-c', bad);
      assert.equal(check.status, 2, form.name);
      assert.match(check.stderr + check.stdout, /bad\.yaml:9:5: uplinks\[0\]\.prioirty: unknown key/, form.name);
    }
  });
});
