/**
 * examples/embed: the embedding example (core + probes + linux in a program
 * of its own) run as it would run on a router — inside a netlab router
 * namespace — through a failover.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Lab } from '@wanwatch/netlab';
import { waitFor } from '../support/lab-agent.js';
import { effectiveDevice, removeWanwatchRoutes } from '../support/routes.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/embed/index.ts', import.meta.url));

interface Line {
  readonly event: string;
  readonly [key: string]: unknown;
}

describe('examples/embed in a lab router namespace', function () {
  this.timeout(60_000);
  let lab: Lab;
  let child: ChildProcess | undefined;
  const lines: Line[] = [];
  const output: string[] = [];

  before(async () => {
    lab = await Lab.create({ uplinks: 2, probeRouting: false, defaultRouteMetric: 100 });
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
    }
    await lab?.faults.clearAll();
    if (lab) await removeWanwatchRoutes(lab);
    await lab?.destroy();
  });

  const line = (what: string, match: (l: Line) => boolean) =>
    waitFor(`${what}\n${output.join('\n')}`, async () => lines.find(match), 20_000);

  it('runs the engine, reports events and its own status, and fails over on an upstream blackhole', async () => {
    const args = ['netns', 'exec', lab.ns.router, process.execPath, '--import', 'tsx', EXAMPLE];
    for (const [i, name] of [
      [1, 'fiber'],
      [2, 'lte'],
    ] as const)
      args.push('--uplink', `${name}:${lab.uplink(i).device}:${lab.uplink(i).gateway4}`);
    for (const t of lab.targets4(2)) args.push('--target', t);
    args.push('--status', '127.0.0.1:0');
    child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
        output.push(text);
        try {
          lines.push(JSON.parse(text) as Line);
        } catch {
          // stderr text
        }
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);

    const ready = await line('ready', (l) => l.event === 'ready');
    assert.equal(ready.active, 'fiber', 'adopts the uplink holding the default route');
    await line('fiber up', (l) => l.event === 'state' && l.uplink === 'fiber' && l.to === 'up');
    await line('lte up', (l) => l.event === 'state' && l.uplink === 'lte' && l.to === 'up');

    // Its own status endpoint, asked from inside the namespace.
    const status = await new Promise<string>((resolve, reject) =>
      execFile(
        'ip',
        [
          'netns',
          'exec',
          lab.ns.router,
          process.execPath,
          '-e',
          `fetch(${JSON.stringify(ready.status)}).then((r) => r.text()).then((t) => process.stdout.write(t))`,
        ],
        { timeout: 10_000 },
        (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout)),
      ),
    );
    const st = JSON.parse(status) as { active: string; uplinks: { id: string; state: string; rttMs: number }[] };
    assert.equal(st.active, 'fiber');
    assert.deepEqual(
      st.uplinks.map((u) => [u.id, u.state]),
      [
        ['fiber', 'up'],
        ['lte', 'up'],
      ],
    );
    assert.ok(st.uplinks.every((u) => u.rttMs > 0));

    const fault = await lab.faults.upstreamBlackhole(1);
    const sw = await line('failover to lte', (l) => l.event === 'switch' && l.to === 'lte');
    assert.equal(sw.reason, 'failover');
    assert.equal(await effectiveDevice(lab, 4), lab.uplink(2).device);
    await fault.clear();

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child!.once('exit', r));
    assert.equal(code, 0, output.join('\n'));
    assert.ok(lines.some((l) => l.event === 'stopping' && l.active === 'lte'));
  });
});
