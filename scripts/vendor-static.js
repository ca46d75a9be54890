// Part of `npm run build`: copies the status page's chart library, uPlot,
// from its npm package into packages/agent/static/vendor/ (with its
// licence), so the page and the package serve it from the agent itself:
// no CDN, nothing from outside the box. The folder is build output
// (.gitignore); `npm pack` ships it with the rest of static/.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const AGENT = join(ROOT, 'packages/agent');
const require = createRequire(join(AGENT, 'package.json'));
const uplot = dirname(require.resolve('uplot/package.json'));
const out = join(AGENT, 'static/vendor');
mkdirSync(out, { recursive: true });
for (const [from, to] of [
  ['dist/uPlot.iife.min.js', 'uPlot.iife.min.js'],
  ['dist/uPlot.min.css', 'uPlot.min.css'],
  ['LICENSE', 'uPlot.LICENSE'],
])
  copyFileSync(join(uplot, from), join(out, to));
const { version } = JSON.parse(readFileSync(join(uplot, 'package.json'), 'utf8'));
console.log(`vendored uPlot ${version} into ${out}`);
