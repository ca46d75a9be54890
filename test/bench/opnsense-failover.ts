/**
 * `npm run bench:opnsense` (root) — singleton failover and trial failback
 * through the OPNsense code path, on an EMULATED OPNsense: the real agent
 * (`platform: opnsense`) in a netlab router namespace, whose emulated
 * configctl/route/… commands act on the namespace (see
 * test/support/opnsense-box.ts). A LAN host's UDP stream (one packet every
 * 5 ms) measures the data-plane outage when the active WAN's upstream is
 * blackholed, and the gap when traffic fails back by a timed trial.
 *
 * The emulated commands take only their process start-up (~0.1 s each); on
 * a real box `configctl interface reconfigure` waits for a DHCP lease, so
 * add the ISP's DHCP time to the activation figures.
 *
 * Options: `--reps N` (default 5), `--fast` (100 ms failure rounds, down
 * after 3, as the e2e test; default: wanwatch's defaults), `--verbose`
 * (the agent's log at the end).
 */
import { Lab, type TrafficMeter } from '@wanwatch/netlab';
import type { StatusResult } from '@wanwatch/agent';
import { LabAgent, labConfig } from '../support/lab-agent.js';
import { opnsenseBoxOn } from '../support/opnsense-box.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const REPS = Number(arg('reps', '5'));
const FAST = process.argv.includes('--fast');
const VERBOSE = process.argv.includes('--verbose');

const active = (name: string) => (s: StatusResult) => s.active === name && !s.busy;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return `median ${Math.round(at(0.5))} ms, min ${Math.round(s[0] ?? NaN)}, max ${Math.round(s.at(-1) ?? NaN)} (n=${s.length})`;
};

/** `lte active (stale-routes 12 ms, …, ipv6 1642 ms)` → the step times of the last activation of `uplink`. */
function activation(lines: readonly string[], uplink: string): Record<string, number> {
  const line = [...lines].reverse().find((l) => l.includes(`wanwatch opnsense: ${uplink} active (`));
  const steps = /active \((.*?)(;|\))/.exec(line ?? '')?.[1] ?? '';
  return Object.fromEntries([...steps.matchAll(/([a-z0-9-]+) (\d+) ms/g)].map((m) => [m[1]!, Number(m[2])]));
}

async function main(): Promise<void> {
  const lab = await Lab.create({ uplinks: 2, probeRouting: false, defaultRouteMetric: 100 });
  const { box, configXml } = opnsenseBoxOn(lab);
  let agent: LabAgent | undefined;
  let meter: TrafficMeter | undefined;
  const stop = async () => {
    await meter?.abort();
    await agent?.dispose();
    box.dispose();
    await lab.destroy();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    agent = await LabAgent.start(lab, (dir) =>
      labConfig(
        lab,
        dir,
        [
          { name: 'fiber', index: 1 },
          { name: 'lte', index: 2 },
        ],
        {
          platform: 'opnsense',
          opnsense: { mode: 'singleton', commandPath: [box.bin], configXml, routeTimeout: '1s' },
          failback: { delay: '5s', minDwell: '0s' },
          dampening: { enabled: false },
          ...(FAST
            ? {
                probe: { interval: '200ms', failureInterval: '100ms', recoveryInterval: '200ms' },
                health: { down: 3, up: 3 },
              }
            : {}),
        },
      ),
    );
    const outages: number[] = [];
    const gaps: number[] = [];
    const activations: number[] = [];
    const v4Ready: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      await agent.until('fiber active and up', (s) => active('fiber')(s) && s.uplinks[0]?.state === 'up', 60_000);
      meter = await lab.startMeter({ intervalMs: 5 });
      const fault = await lab.faults.upstreamBlackhole(1);
      await agent.until('failover to lte', active('lte'), 30_000);
      await new Promise((r) => setTimeout(r, 500));
      outages.push((await meter.stop()).longestGapMs);
      const steps = activation(agent.lines, 'lte');
      if (steps.ipv6 !== undefined) activations.push(steps.ipv6);
      if (steps['default-route'] !== undefined) v4Ready.push(steps['default-route']);
      meter = await lab.startMeter({ intervalMs: 5 });
      await fault.clear();
      await agent.until('failback to fiber', (s) => active('fiber')(s) && s.trial === null, 60_000);
      await new Promise((r) => setTimeout(r, 300));
      gaps.push((await meter.stop()).longestGapMs);
      meter = undefined;
      console.log(
        `rep ${rep + 1}: failover outage ${Math.round(outages.at(-1)!)} ms, failback gap ${Math.round(gaps.at(-1)!)} ms`,
      );
    }
    if (VERBOSE) console.log(agent.lines.join('\n'));
    console.log(`\nOPNsense singleton (EMULATED commands), ${FAST ? 'fast probe settings' : 'wanwatch defaults'}:`);
    console.log(`  failover outage (LAN UDP stream):     ${stats(outages)}`);
    console.log(`  activation until IPv4 default route:  ${stats(v4Ready)}`);
    console.log(`  activation incl. IPv6 services:       ${stats(activations)}`);
    console.log(`  failback gap (timed trial):           ${stats(gaps)}`);
  } finally {
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
