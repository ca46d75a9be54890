/**
 * `npm run demo`: wanwatch doing its job on a real (namespaced) Linux
 * network. As root it builds a lab — a router with two uplinks (fiber, lte),
 * their ISPs, an internet and a LAN host — starts the real `wanwatch` agent
 * on the router, streams traffic from the LAN host, kills fiber's upstream,
 * shows the failover, repairs it, shows the timed failback, then pulls
 * fiber's cable, and prints the outages the traffic saw. Without root (or
 * without iproute2/nftables) it says why and runs the simulated demo.
 */
import { runDemo, type StatusResult } from '@wanwatch/agent';
import { Lab, NetlabError, preflight } from '@wanwatch/netlab';
import { LabAgent, labConfig } from '../../test/support/lab-agent.js';

const FAILBACK_DELAY_S = 20;
const say = (text: string) => console.log(`\n== ${text}`);

async function simulated(reason: string): Promise<void> {
  console.log(`No lab here (${reason}); running the simulated demo instead (wanwatch demo).\n`);
  await runDemo((line) => console.log(line));
}

function table(s: StatusResult): string {
  return s.uplinks
    .map((u) => {
      const ms = (n: number | null) => (n === null ? '–' : `${n.toFixed(1)} ms`);
      const loss = u.metrics.lossPct === null ? '–' : `${u.metrics.lossPct.toFixed(0)} %`;
      return `   ${u.active ? '*' : ' '} ${u.id.padEnd(6)} ${u.state.padEnd(9)} rtt ${ms(u.metrics.rttMs)}, loss ${loss}`;
    })
    .join('\n');
}

async function run(lab: Lab): Promise<void> {
  const rows: string[] = [];
  say(`lab ready: router ${lab.ns.router}, fiber on ${lab.uplink(1).device}, lte on ${lab.uplink(2).device}`);
  const agent = await LabAgent.start(lab, (dir) =>
    labConfig(
      lab,
      dir,
      [
        { name: 'fiber', index: 1 },
        { name: 'lte', index: 2 },
      ],
      { failback: { delay: `${FAILBACK_DELAY_S}s`, minDwell: '10s' } },
    ),
  );
  const from = { n: 0 };
  const tail = setInterval(() => {
    for (const line of agent.lines.slice(from.n)) console.log(`   agent | ${line.replace(/^\S+ /, '')}`);
    from.n = agent.lines.length;
  }, 100);
  try {
    say(
      'the agent runs on the router with the defaults (failback delay shortened to 20 s, minimum dwell to 10 s); waiting for probes',
    );
    const ready = await agent.until(
      'both uplinks up',
      (s) => s.uplinks.every((u) => u.state === 'up') && !s.busy,
      30_000,
    );
    console.log(table(ready));

    say('a LAN host sends a numbered UDP packet every 5 ms through the router; fiber’s upstream goes dark');
    let meter = await lab.startMeter({ intervalMs: 5 });
    await sleep(2_000);
    const blackhole = await lab.faults.upstreamBlackhole(1);
    const t0 = Date.now();
    await agent.until('failover', (s) => s.active === 'lte' && !s.busy, 15_000);
    const detected = Date.now() - t0;
    await sleep(2_000);
    let report = await meter.stop();
    rows.push(row('upstream blackhole → failover', detected, report.longestGapMs));

    say(`fiber repaired; it must stay up for ${FAILBACK_DELAY_S} s before traffic returns`);
    meter = await lab.startMeter({ intervalMs: 5 });
    await blackhole.clear();
    await agent.until('fiber up', (s) => s.uplinks.find((u) => u.id === 'fiber')?.state === 'up', 30_000);
    const upAt = Date.now();
    await agent.until('failback', (s) => s.active === 'fiber' && !s.busy, (FAILBACK_DELAY_S + 15) * 1000);
    await sleep(1_000);
    report = await meter.stop();
    rows.push(
      row(`repaired → failback after ${((Date.now() - upAt) / 1000).toFixed(0)} s of proof`, null, report.longestGapMs),
    );

    say('fiber’s cable is pulled (carrier loss)');
    meter = await lab.startMeter({ intervalMs: 5 });
    await sleep(1_000);
    const cable = await lab.faults.carrierLoss(1);
    const t1 = Date.now();
    await agent.until('failover', (s) => s.active === 'lte' && !s.busy, 15_000);
    const detected2 = Date.now() - t1;
    await sleep(1_000);
    report = await meter.stop();
    rows.push(row('carrier loss → failover', detected2, report.longestGapMs));
    await cable.clear();
    console.log(table(await agent.status()));
  } finally {
    clearInterval(tail);
    await agent.dispose();
  }
  say('what the traffic saw');
  console.log(`   ${'event'.padEnd(44)} ${'switched after'.padEnd(15)} longest gap in the UDP stream`);
  for (const r of rows) console.log(r);
}

function row(what: string, detectedMs: number | null, gapMs: number): string {
  const det = detectedMs === null ? '–' : `${(detectedMs / 1000).toFixed(2)} s`;
  return `   ${what.padEnd(44)} ${det.padEnd(15)} ${gapMs.toFixed(0)} ms`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  try {
    await preflight();
  } catch (err) {
    if (err instanceof NetlabError) return simulated(err.message);
    throw err;
  }
  const lab = await Lab.create({ uplinks: 2, probeRouting: false, defaultRouteMetric: 100 });
  const cleanup = () => void lab.destroy().then(() => process.exit(130));
  process.once('SIGINT', cleanup);
  try {
    await run(lab);
  } finally {
    process.off('SIGINT', cleanup);
    await lab.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
