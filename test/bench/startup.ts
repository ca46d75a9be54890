/**
 * `npm run bench:startup` — the shipped forms of the `wanwatch` command:
 * their size, and how long a one-shot command takes from exec to exit.
 *
 * Builds the single-file bundle and the single executable into a temporary
 * directory (as `npm run bundle` / `npm run sea` do), then runs `version`
 * and `status` (no agent: it reads no config, tries the socket, exits 3) as
 * separate processes, `--runs N` times each (default 30), after one warm-up
 * run, and prints the median and the 90th percentile of the wall time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const i = process.argv.indexOf('--runs');
const RUNS = i >= 0 ? Number(process.argv[i + 1]) : 30;

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const mib = (file: string) => `${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`;

function time(argv: readonly string[]): number[] {
  const [file, ...args] = argv;
  const out: number[] = [];
  for (let k = 0; k <= RUNS; k++) {
    const t = performance.now();
    const r = spawnSync(file!, args, { stdio: 'ignore', timeout: 30_000 });
    const ms = performance.now() - t;
    if (r.error) throw r.error;
    if (k > 0) out.push(ms); // the first run warms the page cache
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'wanwatch-startup-'));
try {
  execFileSync(
    process.execPath,
    [join(ROOT, 'scripts/bundle.js'), '--out', join(dir, 'wanwatch.mjs'), '--sea', join(dir, 'wanwatch')],
    { stdio: 'ignore', timeout: 300_000 },
  );
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Linux ${release()}, Node ${process.version}; ${RUNS} runs each`,
  );
  console.log(
    `sizes: node ${mib(process.execPath)}; bundle ${mib(join(dir, 'wanwatch.mjs'))}; single executable ${mib(join(dir, 'wanwatch'))}`,
  );
  const forms: [string, string[]][] = [
    ['node packages/agent/dist/cli/main.js', [process.execPath, join(ROOT, 'packages/agent/dist/cli/main.js')]],
    ['node wanwatch.mjs (bundle)', [process.execPath, join(dir, 'wanwatch.mjs')]],
    ['wanwatch (single executable)', [join(dir, 'wanwatch')]],
    ['node -e 0 (Node itself)', [process.execPath, '-e', '0']],
  ];
  for (const [name, argv] of forms)
    for (const command of name.startsWith('node -e') ? [[]] : [['version'], ['status', '-s', join(dir, 'none.sock')]]) {
      const t = time([...argv, ...command]);
      console.log(
        `${name.padEnd(40)} ${(command[0] ?? '').padEnd(8)} median ${quantile(t, 0.5).toFixed(0)} ms, p90 ${quantile(t, 0.9).toFixed(0)} ms`,
      );
    }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
