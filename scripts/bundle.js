// `npm run bundle`: the whole agent (CLI, daemon, every platform) as ONE
// JavaScript file that runs with a plain `node` (>= 20.19), for boxes that
// ship no Node.js packages, IPFire first. `npm run sea` also makes a single
// executable (Node SEA: node itself, stripped, with the bundle injected,
// about 90 MB; size and start-up time: npm run bench:startup).
// Both are built from the compiled dist (the npm scripts build first).
//
// - net-ping (and its native addon raw-socket) is left out: @wanwatch/probes
//   loads it with a dynamic import that fails in the bundle, and its `auto`
//   ICMP backend falls back to the system `ping` (logged once).
// - The CommonJS dependencies (winston, ajv…) get a `require` from
//   createRequire, so node builtins resolve in the ESM output.
// - The agent reads its version from its package.json at run time; in the
//   bundle it is fixed at build time.
// - The status page's files (packages/agent/static) are carried inline.
//
// Usage: node scripts/bundle.js [--out build/wanwatch.mjs] [--sea build/wanwatch]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] && !args[at + 1].startsWith('--') ? resolve(args[at + 1]) : fallback;
};
const out = option('--out', join(ROOT, 'build/wanwatch.mjs'));
const sea = args.includes('--sea') ? option('--sea', join(ROOT, 'build/wanwatch')) : null;
const version = JSON.parse(readFileSync(join(ROOT, 'packages/agent/package.json'), 'utf8')).version;

const fixedVersion = {
  name: 'fixed-version',
  setup(b) {
    b.onLoad({ filter: /[\\/]agent[\\/]dist[\\/]version\.js$/ }, () => ({
      contents: `export const VERSION = ${JSON.stringify(version)};\n`,
      loader: 'js',
    }));
  },
};

/** The status page's files go inside the bundle: it must serve them with nothing beside it on disk. */
const inlineStatic = {
  name: 'inline-static',
  setup(b) {
    b.onLoad({ filter: /[\\/]agent[\\/]dist[\\/]http[\\/]static-files\.js$/ }, () => {
      const dir = join(ROOT, 'packages/agent/static');
      const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
        statSync(join(dir, f)).isFile(),
      );
      const files = Object.fromEntries(names.map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
      return {
        contents: [
          "import { readFile } from 'node:fs/promises';",
          `const FILES = ${JSON.stringify(files)};`,
          'export async function readStatic(file, dir) {',
          '  if (dir !== undefined) return readFile(`${dir}/${file}`);',
          '  const inline = Object.hasOwn(FILES, file) ? FILES[file] : undefined;',
          "  if (inline === undefined) throw Object.assign(new Error(`no status-page file ${file}`), { code: 'ENOENT' });",
          "  return Buffer.from(inline, 'base64');",
          '}',
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

/** One bundle: ESM for `node wanwatch.mjs`, CommonJS for a SEA (Node 20's SEA runs CommonJS only). */
async function bundle(outfile, format) {
  const banner = [`// wanwatch ${version}, bundled: one file, no native addons (ICMP through the system ping).`];
  if (format === 'esm')
    banner.push(
      "import { createRequire as __wanwatchCreateRequire } from 'node:module';",
      'const require = __wanwatchCreateRequire(import.meta.url);',
    );
  const result = await build({
    entryPoints: [join(ROOT, 'packages/agent/dist/cli/main.js')],
    outfile,
    bundle: true,
    platform: 'node',
    format,
    target: 'node20',
    external: ['net-ping', 'raw-socket'],
    banner: { js: banner.join('\n') },
    plugins: [fixedVersion, inlineStatic],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
  console.log(`wrote ${outfile} (${Math.round(bytes / 1024)} KiB)`);
}

/**
 * A single executable: this node binary, stripped of its symbol tables, with
 * the CommonJS bundle injected (postject) and V8's code cache of it (faster
 * start). Built in a temporary directory under relative names, so no build
 * path ends up inside (stack traces name `wanwatch.cjs`), and moved into
 * place only when complete.
 */
async function single(executable) {
  const work = join(tmpdir(), `wanwatch-sea-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    await bundle(join(work, 'wanwatch.cjs'), 'cjs');
    writeFileSync(
      join(work, 'sea-config.json'),
      JSON.stringify({
        main: 'wanwatch.cjs',
        output: 'sea-prep.blob',
        disableExperimentalSEAWarning: true,
        useCodeCache: true,
      }),
    );
    execFileSync(process.execPath, ['--experimental-sea-config', 'sea-config.json'], {
      cwd: work,
      stdio: 'ignore',
      timeout: 120_000,
    });
    const binary = join(work, 'wanwatch');
    copyFileSync(process.execPath, binary);
    try {
      // Symbols are for debuggers; the executable runs the same without them (about 12 MB less).
      execFileSync('strip', ['--strip-all', binary], { stdio: 'ignore', timeout: 120_000 });
    } catch {
      console.warn('strip (binutils) is not available: the executable keeps its symbol tables');
    }
    const { inject } = await import('postject');
    // postject prints warnings about note sections of node's ELF; they are harmless.
    await inject(binary, 'NODE_SEA_BLOB', readFileSync(join(work, 'sea-prep.blob')), {
      sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    });
    mkdirSync(dirname(executable), { recursive: true });
    copyFileSync(binary, executable);
    const mib = (statSync(executable).size / 1024 / 1024).toFixed(1);
    console.log(`wrote ${executable} (single executable, ${mib} MiB, node ${process.version}, ${process.arch})`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await bundle(out, 'esm');
if (sea) await single(sea);
