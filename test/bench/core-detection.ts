/**
 * `npm run bench:core` — the engine's two headline figures at its defaults,
 * measured on the real engine with simulated uplinks in virtual time, next to
 * the figures worked out by hand:
 *
 * 1. detection budget: time from a hard outage (upstream blackhole) of the
 *    active uplink to the failover decision, over many outages at random
 *    phases of the probe cycle; also carrier loss;
 * 2. false failovers: rounds at independent random loss on all three targets
 *    of the active uplink, counting failovers (aim: none in 10 h at 20 %).
 *
 * Options: `--trials N` (outages, default 1000), `--hours H` (per loss rate,
 * default 14, i.e. about 100,000 rounds), `--losses 20,25,30`.
 */
import FakeTimers from '@sinonjs/fake-timers';
import { Engine, type Clock, type TimerHandle, type Uplink } from '@wanwatch/core';
import { SimNetwork, seededRandom } from '@wanwatch/core/testing';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const TRIALS = Number(arg('trials', '1000'));
const HOURS = Number(arg('hours', '14'));
const LOSSES = arg('losses', '10,20,25,30').split(',').map(Number);

const targets = ['192.0.2.10', '198.51.100.53', '203.0.113.7'];
const uplinks: Uplink[] = [
  { id: 'fiber', priority: 10, targets },
  { id: 'lte', priority: 20, targets },
];

function world(seed: number) {
  const fake = FakeTimers.createClock(Date.UTC(2026, 10, 21));
  const clock: Clock = {
    now: () => fake.now,
    setTimeout: (fn, ms) => fake.setTimeout(fn, ms) as unknown as TimerHandle,
    clearTimeout: (h) => fake.clearTimeout(h as unknown as FakeTimers.TimerId),
  };
  const random = seededRandom(seed);
  const net = new SimNetwork({ clock, random });
  const engine = new Engine({ uplinks, probe: net.probe, adapter: net.adapter, clock, random });
  return { fake, net, engine };
}

/** Stops the engine while advancing virtual time, so a switch in flight can finish. */
async function stop(fake: ReturnType<typeof FakeTimers.createClock>, engine: Engine): Promise<void> {
  let done = false;
  const stopping = engine.stop().finally(() => (done = true));
  for (let i = 0; i < 10_000 && !done; i++) await fake.tickAsync(10);
  await stopping;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const fmt = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

async function detection(kind: 'blackhole' | 'carrier'): Promise<number[]> {
  const times: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    const { fake, net, engine } = world(1000 + trial);
    await engine.start();
    await fake.tickAsync(20_000 + seededRandom(trial)() * 1000); // settled, then a random phase
    const faultAt = fake.now;
    let decidedAt = 0;
    engine.on('switch:start', (e) => (decidedAt ||= e.at));
    if (kind === 'blackhole') net.set('fiber', { dead: true });
    else net.setCarrier('fiber', 'down');
    for (let i = 0; i < 1000 && !decidedAt; i++) await fake.tickAsync(5);
    times.push(decidedAt - faultAt);
    await stop(fake, engine);
  }
  return times.sort((a, b) => a - b);
}

interface LossRun {
  rounds: number;
  failovers: number;
  /** Why the lossy uplink went down each time: an outage streak or sustained quality. */
  causes: string[];
  degradedPct: number;
}

async function falseFailovers(lossPct: number): Promise<LossRun> {
  const { fake, net, engine } = world(lossPct);
  await engine.start();
  await fake.tickAsync(10_000);
  let rounds = 0;
  let failovers = 0;
  const causes: string[] = [];
  let degradedSince: number | null = null;
  let degradedMs = 0;
  engine.on('probe', (e) => {
    if (e.uplink === 'fiber') rounds++;
  });
  engine.on('switch:start', (e) => {
    if (e.reason === 'failover') failovers++;
  });
  engine.on('uplink:state', (e) => {
    if (e.uplink !== 'fiber') return;
    if (e.to === 'down') causes.push(e.reason.includes('targets answered') ? 'outage' : 'quality');
    if (e.to === 'degraded') degradedSince = e.at;
    else if (degradedSince !== null) {
      degradedMs += e.at - degradedSince;
      degradedSince = null;
    }
  });
  net.set('fiber', { lossPct });
  const start = fake.now;
  for (let h = 0; h < HOURS; h++) await fake.tickAsync(3_600_000);
  if (degradedSince !== null) degradedMs += fake.now - degradedSince;
  await stop(fake, engine);
  return { rounds, failovers, causes, degradedPct: (100 * degradedMs) / (fake.now - start) };
}

/** Binomial upper tail P(X ≥ k), X ~ Bin(n, p). */
function tail(n: number, p: number, k: number): number {
  let sum = 0;
  let term = (1 - p) ** n;
  for (let i = 0; i <= n; i++) {
    if (i >= k) sum += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return sum;
}

async function main(): Promise<void> {
  console.log(`wanwatch core benchmark — defaults, 3 targets at 20 ± 2 ms, node ${process.version}\n`);
  const t0 = performance.now();
  const black = await detection('blackhole');
  console.log(`blackhole → failover decision, ${TRIALS} outages at random phases:`);
  console.log(
    `  min ${fmt(black[0]!)}  median ${fmt(quantile(black, 0.5))}  mean ${fmt(black.reduce((a, b) => a + b, 0) / black.length)}  p99 ${fmt(quantile(black, 0.99))}  max ${fmt(black.at(-1)!)}`,
  );
  console.log('  worked out: first failed round starts within one interval (500 ms ± 5 %) of the fault, then 4 failed');
  console.log(
    '  rounds of one timeout each (auto timeout at its 200 ms floor for a 20 ms path): 0.78 s … 1.33 s, mean ≈ 1.05 s',
  );
  const carrier = await detection('carrier');
  console.log(
    `carrier loss → failover decision: median ${fmt(quantile(carrier, 0.5))}  max ${fmt(carrier.at(-1)!)} (no probe round needed)\n`,
  );

  console.log(`false failovers at random loss on every target of the active uplink, ${HOURS} simulated hours each:`);
  for (const loss of LOSSES) {
    const p = loss / 100;
    const q = p ** 3; // a round fails when all three probes are lost
    const perRound = (1 - q) * q ** 4;
    const qualityRound = tail(60, p, 25); // pooled 60-sample loss above 40 % in one round (needs 20 in a row)
    const r = await falseFailovers(loss);
    const expected10h = perRound * 72_000;
    console.log(
      `  ${String(loss).padStart(2)} % loss: ${r.rounds.toLocaleString('en')} rounds, ${r.failovers} failover(s)` +
        (r.causes.length ? ` (${r.causes.join(', ')})` : '') +
        `; degraded ${r.degradedPct.toFixed(1)} % of the time` +
        ` | worked out: P(4 lost rounds in a row) = ${perRound.toExponential(2)} per round → ${expected10h.toExponential(2)} per 10 h;` +
        ` P(pooled loss > 40 % in one round) = ${qualityRound.toExponential(2)}, a quality failure needs 20 such rounds in a row`,
    );
  }
  console.log(`\n(${((performance.now() - t0) / 1000).toFixed(1)} s of wall time)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
