/**
 * Benchmark of the ICMP prober, in the network lab (not part of `npm test`):
 *
 * 1. CPU time (user + sys) and peak RSS to send and receive 10,000 ICMP
 *    probes with wanwatch's prober, against spawning `ping -c 1 -I <dev>`
 *    per probe (what mwan3track and Flywall do);
 * 2. 1,000 targets probed once a second for 60 s: CPU share of one core and
 *    RSS.
 *
 * Each workload runs in a fresh worker process in the router namespace.
 * Run: `npm run bench:probes` (root; needs root). BENCH_SECONDS shortens part 2.
 */

import { cpus, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, Lab } from '@wanwatch/netlab';

const WORKER = fileURLToPath(new URL('./probes-worker.js', import.meta.url));
const PROBES = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);

async function inWorker<T>(
  lab: Lab,
  method: string,
  params: unknown,
  timeoutMs: number,
  nodeOptions: string[] = [],
): Promise<T> {
  const agent = await Agent.start({
    ns: lab.ns.router,
    script: WORKER,
    nodeOptions,
    name: 'bench worker',
    startTimeoutMs: 30_000,
  });
  try {
    return await agent.call<T>(method, params, timeoutMs);
  } finally {
    await agent.stop();
  }
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);

async function main(): Promise<void> {
  const lab = await Lab.create({ uplinks: 2, services: false });
  try {
    const device = lab.uplink(2).device; // the non-default uplink: probes must be bound to leave there
    const round = [...lab.targets4(50), ...lab.targets6(50)];
    type Burst = { ok: number; cpuMs: number; wallMs: number; peakRssMb: number; childrenCpuMs?: number };
    const ww = await inWorker<Burst>(lab, 'wanwatch', { device, targets: round, count: PROBES }, 600_000);
    const ping = await inWorker<Burst>(
      lab,
      'pingPerProbe',
      { device, targets: round, count: PROBES, parallel: 4 },
      1_200_000,
    );
    const targets = [...lab.targets4(480), ...lab.targets6(520)];
    type Steady = Burst & { failed: number; cpuSharePct: number; endRssMb: number };
    const steady = await inWorker<Steady>(lab, 'steady', { device, targets, seconds: SECONDS }, (SECONDS + 120) * 1000);
    // The same with a smaller V8 young generation, an option for the agent's command line.
    const small = await inWorker<Steady>(lab, 'steady', { device, targets, seconds: SECONDS }, (SECONDS + 120) * 1000, [
      '--max-semi-space-size=2',
    ]);

    const pingTotal = ping.cpuMs + (ping.childrenCpuMs ?? 0);
    const lines = [
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, Linux ${release()}, Node ${process.version}`,
      `command: npm run bench:probes${process.env.BENCH_SECONDS ? ` (BENCH_SECONDS=${SECONDS})` : ''}`,
      '',
      `| workload | answered | CPU (user+sys) | wall | peak RSS |`,
      `| --- | --- | --- | --- | --- |`,
      `| wanwatch ICMP prober, ${PROBES} probes (rounds of 100, IPv4+IPv6) | ${ww.ok} | ${fmt(ww.cpuMs)} ms | ${fmt(ww.wallMs)} ms | ${fmt(ww.peakRssMb, 1)} MB |`,
      `| \`ping -c 1 -I\` per probe, ${PROBES} probes (4 at a time) | ${ping.ok} | ${fmt(pingTotal)} ms (ping processes ${fmt(ping.childrenCpuMs ?? 0)} ms + spawning ${fmt(ping.cpuMs)} ms) | ${fmt(ping.wallMs)} ms | ${fmt(ping.peakRssMb, 1)} MB (spawner) |`,
      '',
      `CPU ratio: ${fmt(pingTotal / ww.cpuMs, 1)}× less CPU than process-per-probe (${fmt((ping.childrenCpuMs ?? 0) / ww.cpuMs, 1)}× counting only the ping processes)`,
      `per probe: wanwatch ${fmt((1000 * ww.cpuMs) / PROBES, 1)} µs, ping ${fmt((1000 * pingTotal) / PROBES, 1)} µs`,
      '',
      `1,000 targets (480 IPv4 + 520 IPv6) once a second for ${SECONDS} s: ${steady.ok} answered, ${steady.failed} failed, ` +
        `CPU ${fmt(steady.cpuMs)} ms over ${fmt(steady.wallMs)} ms = ${fmt(steady.cpuSharePct, 2)} % of one core, ` +
        `peak RSS ${fmt(steady.peakRssMb, 1)} MB, RSS at the end ${fmt(steady.endRssMb, 1)} MB`,
      `the same with node --max-semi-space-size=2: ${small.ok} answered, ${fmt(small.cpuSharePct, 2)} % of one core, ` +
        `peak RSS ${fmt(small.peakRssMb, 1)} MB, RSS at the end ${fmt(small.endRssMb, 1)} MB`,
    ];
    console.log(lines.join('\n'));
    const goals = [
      pingTotal / ww.cpuMs >= 20 ? 'ok' : 'MISSED',
      steady.cpuSharePct < 10 ? 'ok' : 'MISSED',
      steady.peakRssMb < 100 ? 'ok' : 'MISSED',
    ];
    console.log(`goals: ≥20× less CPU ${goals[0]}; <10 % of a core ${goals[1]}; <100 MB RSS ${goals[2]}`);
  } finally {
    await lab.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
