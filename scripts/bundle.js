// `npm run bundle`: the whole agent (CLI, daemon, every platform) as ONE
// JavaScript file that runs with a plain `node` (>= 20.19), for boxes that
// ship no Node.js packages, IPFire first. Built from the compiled dist (run
// `npm run build` first; `npm run bundle` does).
//
// - net-ping (and its native addon raw-socket) is left out: @wanwatch/probes
//   loads it with a dynamic import that fails in the bundle, and its `auto`
//   ICMP backend falls back to the system `ping` (logged once).
// - The CommonJS dependencies (winston, ajv…) get a `require` from
//   createRequire, so node builtins resolve in the ESM output.
// - The agent reads its version from its package.json at run time; in the
//   bundle it is fixed at build time.
//
// Usage: node scripts/bundle.js [--out build/wanwatch.mjs]
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--out');
const out = resolve(at >= 0 && args[at + 1] ? args[at + 1] : join(ROOT, 'build/wanwatch.mjs'));
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

const result = await build({
  entryPoints: [join(ROOT, 'packages/agent/dist/cli/main.js')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['net-ping', 'raw-socket'],
  banner: {
    js: [
      `// wanwatch ${version}, bundled: one file, no native addons (ICMP through the system ping).`,
      "import { createRequire as __wanwatchCreateRequire } from 'node:module';",
      'const require = __wanwatchCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  plugins: [fixedVersion],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
console.log(`wrote ${out} (${Math.round(bytes / 1024)} KiB)`);
