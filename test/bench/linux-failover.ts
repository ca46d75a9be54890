/**
 * `npm run bench:linux` (root) — what a user of a Linux router feels: the
 * data-plane outage seen by a LAN host's UDP stream (one packet every 5 ms)
 * when the active uplink fails, and at failback; and false failovers during
 * 10 minutes of 20 % random loss. The real agent, the Linux adapter and the
 * ICMP probes, in a netlab lab.
 *
 * The same engine is also driven with other tools' settings, to show the
 * trade-off side by side (an emulation of their timing, not those tools):
 * - mwan3-style: 1 target, 1 s interval and timeout, down after 1 failed round;
 * - mwan3 defaults: 1 target, 4 s timeout then a 10 s sleep per round, down after 5, up after 5;
 * - OPNsense-like: 1 target, 1 s interval, 4 s loss timeout, down after 4 lost
 *   (≈ dpinger's 16 s to pass 20 % loss over its 60 s window).
 *
 * Options: `--reps N` (default 10), `--loss-minutes M` (default 10),
 * `--profiles wanwatch,mwan3-style,mwan3,opnsense`.
 */
import { Lab, type Fault } from '@wanwatch/netlab';
import { LabAgent, labConfig } from '../support/lab-agent.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const REPS = Number(arg('reps', '10'));
const LOSS_MINUTES = Number(arg('loss-minutes', '10'));
const PROFILE_NAMES = arg('profiles', 'wanwatch,mwan3-style,mwan3,opnsense').split(',');

interface Profile {
  readonly title: string;
  readonly targets: number;
  readonly sections: Record<string, unknown>;
  readonly reps: number;
  readonly faults: readonly FaultKind[];
  readonly lossTest: boolean;
}
type FaultKind = 'blackhole' | 'carrier' | 'gateway';

// Failback delay and dwell shortened, and dampening off, so that repetitions do not wait minutes (an
// outage injected every 20 s is exactly the flapping dampening suppresses); none of them affects detection.
const quickFailback = { failback: { delay: '5s', minDwell: '0s' }, dampening: { enabled: false } };
const PROFILES: Record<string, Profile> = {
  wanwatch: {
    title: 'wanwatch defaults (3 targets)',
    targets: 3,
    sections: quickFailback,
    reps: REPS,
    faults: ['blackhole', 'carrier', 'gateway'],
    lossTest: true,
  },
  'mwan3-style': {
    title: 'mwan3-style: 1 s, down 1 (1 target)',
    targets: 1,
    sections: {
      ...quickFailback,
      probe: { interval: '1s', failureInterval: '1s', recoveryInterval: '1s', timeout: '1s' },
      health: { down: 1, up: 1 },
    },
    reps: REPS,
    faults: ['blackhole'],
    lossTest: true,
  },
  mwan3: {
    // mwan3track sleeps its 10 s interval after each round (a failed round lasts its 4 s timeout); the
    // engine's interval runs from round start to round start, so 14 s reproduces mwan3's cadence.
    title: 'mwan3 defaults: 4 s timeout + 10 s sleep, down 5 (1 target)',
    targets: 1,
    sections: {
      ...quickFailback,
      probe: { interval: '14s', failureInterval: '14s', recoveryInterval: '14s', timeout: '4s' },
      health: { down: 5, up: 5 },
    },
    reps: Math.min(REPS, 3),
    faults: ['blackhole'],
    lossTest: false,
  },
  opnsense: {
    title: 'OPNsense-like: 1 s, 4 s loss timeout, down 4 (1 target)',
    targets: 1,
    sections: {
      ...quickFailback,
      probe: { interval: '1s', failureInterval: '1s', recoveryInterval: '1s', timeout: '4s' },
      health: { down: 4 },
    },
    reps: Math.min(REPS, 5),
    faults: ['blackhole'],
    lossTest: false,
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Labs and agents to remove if the run is interrupted (Ctrl-C). */
const live = new Set<{ dispose(): Promise<unknown> }>();
function track<T extends { dispose(): Promise<unknown> }>(x: T): T {
  live.add(x);
  return x;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: removing the labs and agents`);
    void Promise.allSettled([...live].map((x) => x.dispose())).then(() => process.exit(130));
  });
}
async function labOf(): Promise<{ lab: Lab; release: () => Promise<void> }> {
  const lab = await Lab.create({ uplinks: 2, probeRouting: false, defaultRouteMetric: 100, services: false });
  const tracked = track({ dispose: () => lab.destroy() });
  return {
    lab,
    release: async () => {
      live.delete(tracked);
      await lab.destroy();
    },
  };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const worst = (xs: number[]) => Math.max(...xs);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function startAgent(lab: Lab, p: Profile): Promise<LabAgent> {
  const uplinks = [
    { name: 'fiber', index: 1 },
    { name: 'lte', index: 2 },
  ];
  const agent = track(
    await LabAgent.start(lab, (dir) => {
      const config = labConfig(lab, dir, uplinks, p.sections);
      for (const u of config.uplinks) u.targets = u.targets.slice(0, p.targets);
      return config;
    }),
  );
  await agent.until(
    'both up on fiber',
    (st) => st.active === 'fiber' && st.uplinks.every((u) => u.state === 'up'),
    120_000,
  );
  return agent;
}

function inject(lab: Lab, kind: FaultKind): Promise<Fault> {
  return kind === 'blackhole'
    ? lab.faults.upstreamBlackhole(1)
    : kind === 'carrier'
      ? lab.faults.carrierLoss(1)
      : lab.faults.gatewayDead(1);
}

/** One outage and the failback after it; returns the longest gaps the traffic saw. */
async function outageOnce(lab: Lab, agent: LabAgent, kind: FaultKind): Promise<{ outage: number; failback: number }> {
  let meter = await lab.startMeter({ intervalMs: 5 });
  await sleep(500 + Math.random() * 1000); // a random phase of the probe cycle
  const fault = await inject(lab, kind);
  await agent.until('failover', (st) => st.active === 'lte' && !st.busy, 180_000);
  await sleep(1_000);
  const outage = (await meter.stop()).longestGapMs;
  meter = await lab.startMeter({ intervalMs: 5 });
  await fault.clear();
  await agent.until('failback', (st) => st.active === 'fiber' && !st.busy, 300_000);
  await sleep(500);
  const failback = (await meter.stop()).longestGapMs;
  return { outage, failback };
}

/** Minutes of random loss on the active uplink; counts switches away from it. */
async function lossRun(lab: Lab, p: Profile): Promise<{ failovers: number; minutes: number }> {
  const agent = await startAgent(lab, p);
  try {
    const before = (await agent.status()).lastSwitchAt;
    let failovers = 0;
    let last = before;
    const fault = await lab.faults.randomLoss(1, 20);
    const end = Date.now() + LOSS_MINUTES * 60_000;
    while (Date.now() < end) {
      await sleep(1_000);
      const st = await agent.status();
      if (st.lastSwitchAt !== last && st.active === 'lte') failovers++;
      last = st.lastSwitchAt;
    }
    await fault.clear();
    return { failovers, minutes: LOSS_MINUTES };
  } finally {
    await agent.dispose();
  }
}

async function main(): Promise<void> {
  console.log(
    `wanwatch Linux failover benchmark: ${REPS} repetitions, ${LOSS_MINUTES} min at 20 % loss, node ${process.version}`,
  );
  const rows: string[] = [];
  for (const name of PROFILE_NAMES) {
    const p = PROFILES[name];
    if (!p) throw new Error(`unknown profile ${name}`);
    const { lab, release } = await labOf();
    try {
      const lossPromise = p.lossTest
        ? labOf().then(async (l2) => {
            try {
              return await lossRun(l2.lab, p);
            } finally {
              await l2.release();
            }
          })
        : Promise.resolve(null);
      const agent = await startAgent(lab, p);
      const failbacks: number[] = [];
      try {
        for (const kind of p.faults) {
          const outages: number[] = [];
          for (let i = 0; i < p.reps; i++) {
            const r = await outageOnce(lab, agent, kind);
            outages.push(r.outage);
            failbacks.push(r.failback);
            console.log(
              `  ${name} ${kind} #${i + 1}: outage ${r.outage.toFixed(0)} ms, failback gap ${r.failback.toFixed(0)} ms`,
            );
          }
          rows.push(`| ${p.title} | ${kind} | ${outages.length} | ${s(median(outages))} | ${s(worst(outages))} |`);
        }
      } finally {
        await agent.dispose();
      }
      rows.push(
        `| ${p.title} | failback | ${failbacks.length} | ${median(failbacks).toFixed(0)} ms | ${worst(failbacks).toFixed(0)} ms |`,
      );
      const loss = await lossPromise;
      if (loss)
        rows.push(`| ${p.title} | 20 % loss, ${loss.minutes} min | – | ${loss.failovers} false failover(s) | |`);
    } finally {
      await release();
    }
  }
  console.log('\n| settings | event | runs | median outage | worst |\n|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
