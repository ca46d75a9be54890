/**
 * `npm run bench:ha` (root) — what a LAN host feels when the HA role moves
 * between two Linux routers: the longest silence of a UDP stream (one packet
 * every 5 ms, IPv4 and IPv6 at once) from the LAN host, whose gateway is
 * the VRRP virtual address, to the internet. Debian's keepalived (VRRPv3)
 * and the built wanwatch agent run in both routers of a netlab HA lab.
 *
 * Scenarios, per run (a fresh pair each time):
 * - master killed: keepalived and agent SIGKILLed, LAN link down;
 * - master returns (preemption): link up, keepalived and agent started again;
 * - master's uplink dies: upstream blackhole; health coupling (track file) moves the role;
 * - uplink recovers: the role returns (preemption after the track file goes back to 0);
 * - master process killed, link up (keepalived + agent SIGKILLed);
 * - master returns with nopreempt: the role stays, nothing should be lost.
 *
 * Options: `--reps N` (default 5), `--advert S` (VRRP advert_int, default 0.3;
 * keepalived's default is 1).
 */
import { HaLab, type TrafficMeter } from '@wanwatch/netlab';
import { HaBox, vipOn } from '../support/ha.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const REPS = Number(arg('reps', '5'));
const ADVERT = Number(arg('advert', '0.3'));

const SCENARIOS = [
  'master killed (process + link)',
  'master returns (preemption)',
  "master's uplink dies (health coupling)",
  'uplink recovers (role returns)',
  'master process killed (link up)',
  'master returns (nopreempt)',
  'both agents restarted (kill -9)',
  'VRRP partition (both master)',
  'partition healed',
] as const;
type Scenario = (typeof SCENARIOS)[number];
const results = new Map<Scenario, { 4: number[]; 6: number[] }>(SCENARIOS.map((s) => [s, { 4: [], 6: [] }]));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const worst = (xs: number[]) => Math.max(...xs);

let lab: HaLab | null = null;
let boxes: HaBox[] = [];
let meters: TrafficMeter[] = [];

async function cleanUp(): Promise<void> {
  for (const m of meters) await m.abort().catch(() => undefined);
  meters = [];
  for (const b of boxes) await b.dispose().catch(() => undefined);
  boxes = [];
  await lab?.destroy();
  lab = null;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

/** Runs `change` with both meters running; records the longest gap of each family. */
async function measure(scenario: Scenario, change: () => Promise<void>): Promise<void> {
  meters = [await lab!.startMeter({ intervalMs: 5, family: 4 }), await lab!.startMeter({ intervalMs: 5, family: 6 })];
  await sleep(300);
  await change();
  await sleep(1000);
  const [r4, r6] = [await meters[0]!.stop(), await meters[1]!.stop()];
  meters = [];
  const row = results.get(scenario)!;
  row[4].push(r4.longestGapMs);
  row[6].push(r6.longestGapMs);
  console.log(`  ${scenario}: IPv4 ${r4.longestGapMs.toFixed(0)} ms, IPv6 ${r6.longestGapMs.toFixed(0)} ms`);
}

async function pair(): Promise<[HaBox, HaBox]> {
  const r1 = new HaBox(lab!, 1, { advertInt: ADVERT });
  const r2 = new HaBox(lab!, 2, { advertInt: ADVERT });
  boxes = [r1, r2];
  await r1.startKeepalived();
  await r2.startKeepalived();
  await vipOn(lab!, 1);
  await Promise.all([r1.startAgent(), r2.startAgent()]);
  await Promise.all([r1.role('master'), r2.role('backup')]);
  return [r1, r2];
}

async function reset(): Promise<void> {
  for (const b of boxes) await b.dispose();
  boxes = [];
  for (const k of [1, 2] as const) {
    await lab!.setLanLink(k, 'up');
    await lab!.router(k).faults.clearAll();
  }
}

async function once(): Promise<void> {
  let [r1, r2] = await pair();
  await measure('both agents restarted (kill -9)', async () => {
    for (const [box, role] of [
      [r2, 'backup'],
      [r1, 'master'],
    ] as const) {
      await box.agent!.crash();
      await box.startAgent();
      await box.role(role);
    }
  });
  let heal: (() => Promise<void>) | null = await lab!.partition();
  await measure('VRRP partition (both master)', async () => {
    await r2.role('master');
  });
  await measure('partition healed', async () => {
    await heal!();
    heal = null;
    await vipOn(lab!, 1);
    await Promise.all([r1.role('master'), r2.role('backup')]);
  });
  await measure('master killed (process + link)', async () => {
    await r1.crash(true);
    await r2.role('master');
  });
  await measure('master returns (preemption)', async () => {
    await lab!.setLanLink(1, 'up');
    await r1.startKeepalived();
    await r1.startAgent();
    await vipOn(lab!, 1);
    await Promise.all([r1.role('master'), r2.role('backup')]);
  });
  await reset();
  [r1, r2] = await pair();
  const fault = await lab!.router(1).faults.upstreamBlackhole(1);
  await measure("master's uplink dies (health coupling)", async () => {
    await vipOn(lab!, 2, 20_000);
    await Promise.all([r2.role('master'), r1.role('backup')]);
  });
  await measure('uplink recovers (role returns)', async () => {
    await fault.clear();
    await vipOn(lab!, 1, 30_000);
    await Promise.all([r1.role('master', 30_000), r2.role('backup')]);
  });
  await measure('master process killed (link up)', async () => {
    await r1.crash(false);
    await r2.role('master');
  });
  await measure('master returns (nopreempt)', async () => {
    await r1.startKeepalived(true);
    await r1.startAgent();
    await r1.role('backup');
    await sleep(1000);
  });
  await reset();
}

async function main(): Promise<void> {
  lab = await HaLab.create();
  console.log(`HA failover: ${REPS} runs, VRRP advert_int ${ADVERT} s, meters every 5 ms`);
  for (let i = 1; i <= REPS; i++) {
    console.log(`run ${i}/${REPS}`);
    await once();
  }
  console.log('\n| scenario | runs | IPv4 median | IPv4 worst | IPv6 median | IPv6 worst |\n|---|---|---|---|---|---|');
  for (const [s, r] of results) {
    const f = (x: number) => `${x.toFixed(0)} ms`;
    console.log(
      `| ${s} | ${r[4].length} | ${f(median(r[4]))} | ${f(worst(r[4]))} | ${f(median(r[6]))} | ${f(worst(r[6]))} |`,
    );
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => cleanUp());
