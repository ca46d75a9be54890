/**
 * Benchmark worker: runs inside the lab's router namespace (started by
 * probes.ts through netlab's agent channel) and measures one workload in a
 * process of its own, so CPU and peak RSS belong to that workload alone.
 * Plain JavaScript on purpose: a TypeScript loader in this process would
 * add its own memory and CPU to the figures.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { serve } from '@wanwatch/netlab/serve';
import { createProbe } from '@wanwatch/probes';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Resets the kernel's peak-RSS mark of this process (VmHWM), so the peak covers only what follows. */
function resetPeak() {
  writeFileSync('/proc/self/clear_refs', '5');
}

function peakRssMb() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'latin1'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time of this process's reaped children (cutime + cstime), in ms. */
function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5); the slice starts at field 3.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

/** @param {NodeJS.CpuUsage} since */
function ownCpuMs(since) {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** @typedef {{ device: string, targets: string[], count: number, parallel: number, seconds: number }} Params */

/** @param {Params} p @returns {import('@wanwatch/core').Uplink} */
function uplinkFor(p) {
  return { id: 'bench', priority: 1, interface: p.device, targets: p.targets };
}

/** `count` probes in rounds of all targets in parallel, as the engine sends them. */
/** @param {Params} p */
async function wanwatchProbes(p) {
  const probe = createProbe();
  const uplink = uplinkFor(p);
  await probe.send({ uplink, target: p.targets[0], timeoutMs: 1000, path: 'uplink' }); // open the sessions
  resetPeak();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let ok = 0;
  for (let sent = 0; sent < p.count; sent += p.targets.length) {
    const round = p.targets.slice(0, Math.min(p.targets.length, p.count - sent));
    const results = await Promise.all(
      round.map((target) => probe.send({ uplink, target, timeoutMs: 1000, path: 'uplink' })),
    );
    ok += results.filter((r) => r.ok).length;
  }
  const wallMs = performance.now() - start;
  const cpuMs = ownCpuMs(cpu);
  await probe.close();
  return { ok, cpuMs, wallMs, peakRssMb: peakRssMb() };
}

/** `count` probes by spawning `ping -c 1 -I <dev>` for each (mwan3track's and Flywall's way), `parallel` at a time. */
/** @param {Params} p */
async function pingPerProbe(p) {
  const { execa } = await import('../../packages/probes/node_modules/execa/index.js');
  resetPeak();
  const cpu = process.cpuUsage();
  const children = childrenCpuMs();
  const start = performance.now();
  let ok = 0;
  let next = 0;
  const lane = async () => {
    for (let k = next++; k < p.count; k = next++) {
      const target = p.targets[k % p.targets.length];
      // execa 9 (the probes package's), argument array, time limit; loaded here only, so the other workloads do not carry it.
      const res = await execa('ping', ['-n', '-q', '-c', '1', '-W', '1', '-I', p.device, target], {
        reject: false,
        timeout: 5000,
      });
      if (res.exitCode === 0) ok++;
    }
  };
  await Promise.all(Array.from({ length: p.parallel }, lane));
  return {
    ok,
    cpuMs: ownCpuMs(cpu),
    childrenCpuMs: childrenCpuMs() - children,
    wallMs: performance.now() - start,
    peakRssMb: peakRssMb(),
  };
}

/** Every target once a second for `seconds`, as the engine would with a 1 s interval. */
/** @param {Params} p */
async function steady(p) {
  const probe = createProbe();
  const uplink = uplinkFor(p);
  // As core's UplinkProber does: one long-lived signal shared by every probe.
  const signal = new AbortController().signal;
  await probe.send({ uplink, target: p.targets[0], timeoutMs: 1000, path: 'uplink' });
  resetPeak();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let ok = 0;
  let failed = 0;
  for (let s = 0; s < p.seconds; s++) {
    const results = await Promise.all(
      p.targets.map((target) => probe.send({ uplink, target, timeoutMs: 500, path: 'uplink', signal })),
    );
    ok += results.filter((r) => r.ok).length;
    failed += results.length - results.filter((r) => r.ok).length;
    const wait = start + (s + 1) * 1000 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const wallMs = performance.now() - start;
  const cpuMs = ownCpuMs(cpu);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  await probe.close();
  return { ok, failed, cpuMs, wallMs, cpuSharePct: (100 * cpuMs) / wallMs, peakRssMb: peakRssMb(), endRssMb: rssMb };
}

serve({
  wanwatch: (p) => wanwatchProbes(/** @type {Params} */ (p)),
  pingPerProbe: (p) => pingPerProbe(/** @type {Params} */ (p)),
  steady: (p) => steady(/** @type {Params} */ (p)),
});
