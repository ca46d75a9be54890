import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import sinon from 'sinon';
import { Engine, systemClock, type Uplink } from '@wanwatch/core';
import { SimNetwork, seededRandom } from '@wanwatch/core/sim';
import { createLogger, logEngine, type LogSettings } from '@wanwatch/agent';

const targets = ['192.0.2.10', '198.51.100.53'];
const uplinks: Uplink[] = [
  { id: 'fiber', priority: 10, interface: 'eth1', targets },
  { id: 'lte', priority: 20, interface: 'wwan0', targets },
];

interface Rig {
  readonly lines: string[];
  readonly net: SimNetwork;
  readonly engine: Engine;
  readonly clock: sinon.SinonFakeTimers;
  stop(): Promise<void>;
}

async function rig(settings: Partial<LogSettings> = {}, output: { journald?: boolean } = {}): Promise<Rig> {
  const clock = sinon.useFakeTimers({ now: Date.UTC(2026, 10, 21, 8), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  const log = createLogger(
    { level: 'info', format: 'text', file: null, ...settings },
    { stream, tty: false, journald: output.journald ?? false },
  );
  const net = new SimNetwork({ clock: systemClock, random: seededRandom(3), initialRoute: 'fiber' });
  const engine = new Engine({ uplinks, probe: net.probe, adapter: net.adapter, random: seededRandom(5) });
  const detach = logEngine(engine, log, { summaryMs: 60_000 });
  await engine.start();
  return {
    lines,
    net,
    engine,
    clock,
    stop: async () => {
      await engine.stop();
      detach();
      clock.restore();
    },
  };
}

describe('engine logging', () => {
  let r: Rig | null = null;
  afterEach(async () => {
    await r?.stop();
    r = null;
  });

  it('logs state changes and the failover with reasons and measurements, and no probe rounds at info', async () => {
    r = await rig();
    await r.clock.tickAsync(10_000);
    const quiet = r.lines.length;
    r.net.set('fiber', { dead: true });
    await r.clock.tickAsync(5_000);
    const down = r.lines.find((l) => / warn +fiber: up → down: /.test(l));
    assert.ok(down, r.lines.join('\n'));
    assert.match(down, /\(rtt [\d.]+ ms, loss [\d.]+%, jitter [\d.]+ ms\)$/);
    const switched = r.lines.find((l) => l.includes('switched fiber → lte (failover)'));
    assert.ok(switched, r.lines.join('\n'));
    assert.match(
      switched,
      /^\S+ notice switched fiber → lte \(failover\) in \d+ ms, verified at [\d.]+ ms: .*fiber.*; was fiber down \(rtt .*, loss .*\), now lte up \(rtt .*\)$/,
    );
    assert.ok(r.lines.some((l) => l.includes('switching fiber → lte (failover)')));
    assert.ok(
      r.lines.length - quiet < 12,
      `a handful of lines for a failover, not one per round:\n${r.lines.join('\n')}`,
    );
    assert.ok(!r.lines.some((l) => / round, \d+\/\d+ answered/.test(l)), 'no probe rounds at info');
  });

  it('summarises each uplink once a period: at info only when it lost probes or is not up', async () => {
    r = await rig();
    await r.clock.tickAsync(61_000);
    assert.deepEqual(
      r.lines.filter((l) => l.includes('rounds,')),
      [],
      'healthy uplinks are summarised at debug',
    );
    r.net.set('lte', { dead: true });
    await r.clock.tickAsync(60_000);
    const summaries = r.lines.filter((l) => l.includes('rounds,'));
    assert.equal(summaries.length, 1, summaries.join('\n'));
    assert.match(
      summaries[0]!,
      / info +lte down: \d+ rounds, \d+\/\d+ answered in 60 s; rtt .*, loss .*, jitter .*, penalty \d+$/,
    );
  });

  it('shows failed rounds at debug', async () => {
    r = await rig({ level: 'debug' });
    await r.clock.tickAsync(5_000);
    r.net.set('lte', { silentTargets: ['198.51.100.53'] });
    await r.clock.tickAsync(2_000);
    assert.ok(
      r.lines.some((l) => / debug +lte: \w+ round, 1\/2 answered; 198\.51\.100\.53 timeout$/.test(l)),
      r.lines.join('\n'),
    );
  });

  it('writes journald priorities instead of time stamps under systemd, and JSON lines on request', async () => {
    r = await rig({}, { journald: true });
    await r.clock.tickAsync(5_000);
    assert.ok(r.lines.length > 0);
    assert.ok(
      r.lines.every((l) => /^<[3-7]>\S/.test(l)),
      r.lines.join('\n'),
    );
    assert.ok(r.lines.some((l) => l.startsWith('<5>fiber: unknown → up')));
    await r.stop();
    r = await rig({ format: 'json' });
    await r.clock.tickAsync(5_000);
    const parsed = r.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const state = parsed.find((p) => p.event === 'state' && p.uplink === 'fiber');
    assert.ok(state);
    assert.equal(state.level, 'notice');
    assert.equal(state.to, 'up');
    assert.equal(typeof state.time, 'string');
    assert.equal(typeof state.rttMs, 'number');
  });
});
