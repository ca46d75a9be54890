/**
 * The npm packages the way a user meets them: every public package packed
 * with `npm pack`, its tarball inspected, then all of them installed into a
 * fresh project outside the workspace — with a PATH that has node and npm
 * but no C++ toolchain (no make, g++ or python3), and raw-socket's install
 * script allowed so its build is really attempted and fails — and a consumer
 * program compiled with tsc against what was installed and run, as ES
 * modules and as CommonJS. Dependencies come from npm's cache where it has
 * them (`npm ci` filled it), else from the registry.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSUMER = fileURLToPath(new URL('consumer/', import.meta.url));
const REPO = 'https://github.com/wanwatch/wanwatch';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  publishConfig?: { access?: string };
  exports: Record<string, Record<string, string>>;
  bin?: Record<string, string>;
}

const PUBLIC = readdirSync(join(ROOT, 'packages'))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter((p) => p.manifest.private !== true);

/** npm's own script (npm_execpath under npm, else the `npm` on PATH, resolved). */
function npmCli(): string {
  if (process.env.npm_execpath?.endsWith('npm-cli.js')) return process.env.npm_execpath;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'npm');
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  throw new Error('npm is not on PATH');
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

/** Markdown link and image targets (`[x](target)`, `![x](target)`, `<img src="target">`). */
function linkTargets(markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const md = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const html = [...text.matchAll(/<img\s[^>]*src="([^"]+)"/g)].map((m) => m[1]!);
  return [...md, ...html];
}

describe('the npm packages, packed and installed as a user would', function () {
  this.timeout(300_000);
  let work: string;
  let unpacked: Map<string, string>;
  let app: string;
  let install: ReturnType<typeof spawnSync>;
  const npm = npmCli();

  before(function () {
    work = mkdtempSync(join(tmpdir(), 'wanwatch-packages-'));
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    unpacked = new Map();
    for (const { dir, manifest } of PUBLIC) {
      const out = execFileSync(process.execPath, [npm, 'pack', '--json', '--pack-destination', tarballs], {
        cwd: join(ROOT, 'packages', dir),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 60_000,
      });
      const [packed] = JSON.parse(out) as [{ filename: string }];
      const into = join(work, 'unpacked', dir);
      mkdirSync(into, { recursive: true });
      execFileSync('tar', ['-xzf', join(tarballs, packed.filename), '-C', into, '--strip-components=1'], {
        timeout: 30_000,
      });
      unpacked.set(manifest.name, into);
    }

    // A fresh project: the tarballs as dependencies, raw-socket's build allowed (npm 11 blocks install scripts otherwise).
    app = join(work, 'app');
    mkdirSync(app);
    const dependencies = Object.fromEntries(
      PUBLIC.map(({ manifest }) => [
        manifest.name,
        `file:${join(tarballs, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`)}`,
      ]),
    );
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, dependencies, allowScripts: { 'raw-socket': true } }, null, 2),
    );
    // node, npm and sh, nothing else: no make, no g++, no python3 for node-gyp.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync(npm, join(bin, 'npm'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    install = spawnSync(
      process.execPath,
      [npm, 'install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=verbose'],
      {
        cwd: app,
        encoding: 'utf8',
        timeout: 240_000,
        env: {
          PATH: bin,
          HOME: process.env.HOME ?? '/root',
          ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
        },
      },
    );
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs every public package with a LICENSE, its metadata and no build leftovers', () => {
    assert.ok(PUBLIC.length >= 7, PUBLIC.map((p) => p.manifest.name).join(', '));
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    for (const { dir, manifest } of PUBLIC) {
      const root = unpacked.get(manifest.name)!;
      const list = files(root);
      assert.equal(readFileSync(join(root, 'LICENSE'), 'utf8'), license, `${manifest.name}: LICENSE`);
      assert.ok(list.includes('README.md'), `${manifest.name}: README.md`);
      assert.deepEqual(
        list.filter((f) => /tsbuildinfo$|^src\/|^test\//.test(f)),
        [],
        `${manifest.name} ships build or test files`,
      );
      const m = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
      assert.equal(m.license, 'MIT');
      assert.deepEqual(m.repository, { type: 'git', url: `git+${REPO}.git`, directory: `packages/${dir}` });
      assert.equal(m.homepage, `${REPO}/tree/main/packages/${dir}#readme`);
      assert.equal(m.bugs?.url, `${REPO}/issues`);
      assert.equal(m.publishConfig?.access, 'public');
      for (const [entry, conditions] of Object.entries(m.exports)) {
        // `default` lets require() (Node >= 20.19, require(esm)) and every other resolver in.
        assert.ok(conditions.default && list.includes(conditions.default.replace(/^\.\//, '')), `${m.name} ${entry}`);
        assert.ok(conditions.types && list.includes(conditions.types.replace(/^\.\//, '')), `${m.name} ${entry} types`);
      }
      for (const bin of Object.values(m.bin ?? {})) assert.ok(list.includes(bin.replace(/^\.\//, '')), bin);
    }
    // The agent's page serves uPlot from the package (copied at build, with its licence), and ships its manual.
    const agent = files(unpacked.get('@wanwatch/agent')!);
    for (const f of [
      'static/vendor/uPlot.iife.min.js',
      'static/vendor/uPlot.min.css',
      'static/vendor/uPlot.LICENSE',
      'static/favicon.svg',
      'man/wanwatch.1',
      'completion/wanwatch.bash',
      'completion/_wanwatch',
    ])
      assert.ok(agent.includes(f), f);
  });

  it('ships source maps that carry their sources (nothing points at a file left out)', () => {
    for (const [name, root] of unpacked) {
      const maps = files(root).filter((f) => f.endsWith('.map'));
      assert.ok(maps.length > 0, name);
      for (const map of maps) {
        const m = JSON.parse(readFileSync(join(root, map), 'utf8')) as { sources: string[]; sourcesContent?: string[] };
        assert.equal(m.sourcesContent?.length, m.sources.length, `${name}/${map} has no sourcesContent`);
        assert.ok(
          m.sourcesContent.every((s) => typeof s === 'string' && s.length > 0),
          `${name}/${map}`,
        );
      }
    }
  });

  it('has README links and images that work on the registry page', () => {
    for (const [name, root] of unpacked) {
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      for (const target of linkTargets(readme)) {
        if (/^(https?:|mailto:|#)/.test(target)) continue;
        const file = join(root, target.split('#')[0]!);
        assert.ok(
          existsSync(file) && relative(root, file).split('/')[0] !== '..',
          `${name} README: "${target}" is neither an absolute URL nor a file in the package`,
        );
      }
    }
  });

  it('installs without a C++ toolchain: the native ICMP addon is optional', () => {
    assert.equal(install.status, 0, `${String(install.stdout)}\n${String(install.stderr)}`);
    // Its build was tried and failed without make/g++/python3, so npm left net-ping out.
    assert.match(String(install.stderr), /raw-socket/);
    assert.ok(!existsSync(join(app, 'node_modules/net-ping')), 'net-ping was left out');
    for (const { manifest } of PUBLIC) assert.ok(existsSync(join(app, 'node_modules', manifest.name, 'package.json')));
  });

  it('compiles a consumer program with tsc and runs it as ES modules and as CommonJS', () => {
    for (const f of ['consumer.mts', 'consumer.cts']) copyFileSync(join(CONSUMER, f), join(app, f));
    const tsconfig = JSON.parse(readFileSync(join(CONSUMER, 'tsconfig.json'), 'utf8')) as {
      compilerOptions: Record<string, unknown>;
    };
    // @types/node from the workspace; everything else resolves from the app's node_modules.
    tsconfig.compilerOptions.typeRoots = [join(ROOT, 'node_modules/@types')];
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
    const run = (file: string) => {
      const r = spawnSync(process.execPath, [join(app, 'out', file)], {
        cwd: app,
        encoding: 'utf8',
        timeout: 30_000,
        env: { PATH: '/usr/bin:/bin' },
      });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.doesNotMatch(r.stderr, /Error/, r.stderr);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    };
    const esm = run('consumer.mjs');
    assert.equal(esm.module, 'esm');
    assert.equal(esm.active, 'fiber');
    assert.equal(esm.backend, 'system-ping');
    assert.deepEqual(esm.logs, [
      'info: wanwatch probes: native ICMP unavailable (net-ping, an optional dependency, is not installed); using the system ping, one process per probe',
    ]);
    assert.deepEqual(esm.configured, ['fiber']);
    assert.deepEqual(esm.adapters, ['LinuxAdapter', 'OpnsenseAdapter', 'IpfireAdapter']);
    assert.equal(esm.exec, 'ok');
    const cjs = run('consumer.cjs');
    assert.deepEqual(cjs, {
      module: 'cjs',
      active: 'fiber',
      backend: 'system-ping',
      configured: ['lte'],
      version: '0.1.0',
    });
  });

  it('installs the wanwatch command, which runs from the installed package', () => {
    const wanwatch = join(app, 'node_modules/.bin/wanwatch');
    const version = spawnSync(wanwatch, ['--version'], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { PATH: dirname(process.execPath) },
    });
    assert.equal(
      version.stdout.trim(),
      `wanwatch ${PUBLIC.find((p) => p.dir === 'agent')!.manifest.version}`,
      version.stderr,
    );
    const config = join(work, 'simulated.yaml');
    writeFileSync(
      config,
      'platform: simulated\nuplinks:\n  - { name: fiber, interface: eth1, targets: [192.0.2.10] }\n',
    );
    const check = spawnSync(wanwatch, ['check-config', '-c', config], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { PATH: dirname(process.execPath) },
    });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, /valid/);
  });
});
