/**
 * `wanwatch demo`: the real engine driving two simulated uplinks through a
 * scripted day — loss, an outage, recovery, the failback timer — in virtual
 * time, so four and a half minutes of events print in about a second and no
 * network or root is needed. Only the uplinks (probe answers and the
 * default route) are simulated.
 */
import { Engine, type Uplink } from '@wanwatch/core';
import { SimNetwork, seededRandom } from '@wanwatch/core/sim';
import { VirtualClock } from './virtual-clock.js';

const START = Date.UTC(2026, 10, 21, 8, 0, 0);

/** Where the demo prints, one line per call. */
export type DemoOutput = (line: string) => void;

/**
 * Runs the demo; resolves with the number of switches.
 *
 * @example
 * ```ts
 * await runDemo(console.log);
 * ```
 */
export async function runDemo(print: DemoOutput): Promise<number> {
  const clock = new VirtualClock(START);
  const targets = ['192.0.2.10', '198.51.100.53', '203.0.113.7'];
  const uplinks: Uplink[] = [
    { id: 'fiber', priority: 10, interface: 'eth1', targets },
    { id: 'lte', priority: 20, interface: 'wwan0', targets },
  ];
  const net = new SimNetwork({ clock, random: seededRandom(7) });
  net.set('lte', { rttMs: 45, jitterMs: 8 });
  const engine = new Engine({ uplinks, probe: net.probe, adapter: net.adapter, clock, random: seededRandom(11) });

  const t = (at = clock.now()) => {
    const s = (at - START) / 1000;
    return `${String(Math.floor(s / 60)).padStart(2, '0')}:${(s % 60).toFixed(1).padStart(4, '0')}`;
  };
  const line = (kind: string, text: string) => print(`${t()}  ${kind.padEnd(8)} ${text}`);
  const ms = (n: number | null) => (n === null ? '–' : `${n.toFixed(1)} ms`);
  const pct = (n: number | null) => (n === null ? '–' : `${n.toFixed(0)} %`);

  // Probe rounds are summarised every 10 s, not printed one by one.
  const tally = new Map<string, { sent: number; answered: number }>();
  engine.on('probe', (e) => {
    const c = tally.get(e.uplink) ?? { sent: 0, answered: 0 };
    c.sent += e.results.length;
    c.answered += e.results.filter((r) => r.result.ok).length;
    tally.set(e.uplink, c);
  });
  const summarise = () => {
    const parts = engine.status().uplinks.map((u) => {
      const c = tally.get(u.id) ?? { sent: 0, answered: 0 };
      return `${u.id} ${u.state}${u.active ? '*' : ''} ${c.answered}/${c.sent} answered, rtt ${ms(u.metrics.rttMs)}, loss ${pct(u.metrics.lossPct)}`;
    });
    tally.clear();
    line('probes', parts.join(' | '));
  };

  let faultAt = 0;
  engine.on('uplink:state', (e) => line('state', `${e.uplink}: ${e.from} → ${e.to}: ${e.reason}`));
  engine.on('decision', (e) => {
    const d = e.decision;
    line(
      'decide',
      d.kind === 'switch' ? `switch to ${d.to} (${d.reason}): ${d.detail}` : `stay (${d.reason}): ${d.detail}`,
    );
  });
  engine.on('switch:done', (e) => {
    const after = faultAt ? `, ${((e.at - faultAt) / 1000).toFixed(2)} s after the fault` : '';
    line('switch', `${e.from ?? 'none'} → ${e.to} (${e.reason}) done in ${e.durationMs} ms${after}`);
    faultAt = 0;
  });
  engine.on('switch:failed', (e) => line('FAILED', `${e.from ?? 'none'} → ${e.to}: ${e.error.message}`));
  engine.on('failback:pending', (e) =>
    line(
      'failback',
      e.dueAt === null
        ? `to ${e.uplink} waits for an operator`
        : `to ${e.uplink} due at ${t(e.dueAt)} (in ${((e.dueAt - clock.now()) / 1000).toFixed(0)} s, waiting for the ${e.waitingFor})`,
    ),
  );
  engine.on('failback:cancelled', (e) => line('failback', `to ${e.uplink} cancelled: ${e.reason}`));

  const script: [number, string, () => void][] = [
    [20, 'fiber gets 20 % random packet loss', () => net.set('fiber', { lossPct: 20 })],
    [60, 'fiber loss cleared', () => net.heal('fiber')],
    [80, 'fiber upstream blackhole (link stays up, nothing answers)', () => net.set('fiber', { dead: true })],
    [120, 'fiber repaired', () => net.heal('fiber')],
    [150, 'fiber flaps for 2 s during the failback delay', () => net.set('fiber', { dead: true })],
    [152, 'fiber repaired again', () => net.heal('fiber')],
    [250, 'lte loses carrier (standby; traffic unaffected)', () => net.setCarrier('lte', 'down')],
  ];

  print('wanwatch demo: the real engine, two simulated uplinks, virtual time (no network, no root)');
  print(
    'fiber: priority 10, 3 targets, 20 ms | lte: priority 20, 3 targets, 45 ms | defaults: 500 ms rounds, down after 4, failback delay 60 s\n',
  );
  await engine.start();
  const END = 270;
  for (let second = 0; second <= END; second++) {
    if (second > 0 && second % 10 === 0) summarise();
    for (const [at, what, act] of script) {
      if (at !== second) continue;
      line('FAULT', what);
      act();
      if (what.includes('blackhole')) faultAt = clock.now();
    }
    await clock.advance(1000);
  }
  const st = engine.status();
  print(`\nend: active uplink ${st.active}; routing on ${net.route}; ${net.activations.length} switches in ${END} s`);
  await engine.stop();
  return net.activations.length;
}
