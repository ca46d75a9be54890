import assert from 'node:assert/strict';
import { EventEmitter } from 'eventemitter3';
import sinon from 'sinon';
import { EVENT_BUFFER, EventHub, type AgentEvent } from '@wanwatch/agent';
import { WanwatchError, type Engine, type EngineEvents, type EngineStatus } from '@wanwatch/core';

/** The part of an engine the hub uses: its events and status(). */
class FakeEngine extends EventEmitter<EngineEvents> {
  rtt = 20;
  status(): EngineStatus {
    return {
      at: Date.now(),
      active: 'fiber',
      uplinks: [{ id: 'fiber', state: 'up', metrics: { rttMs: this.rtt, lossPct: 0, jitterMs: 1 } }],
    } as unknown as EngineStatus;
  }
}

describe('event hub', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => (clock = sinon.useFakeTimers({ now: 1_700_000_000_000 })));
  afterEach(() => clock.restore());

  it('numbers events across engines, makes errors JSON-safe and keeps the last ones for resuming', () => {
    const hub = new EventHub();
    const seen: AgentEvent[] = [];
    hub.on('event', (e) => seen.push(e));
    const first = new FakeEngine();
    const detach = hub.attach(first as unknown as Engine);
    first.emit('warning', { at: 1, error: new WanwatchError('E_HOOK_FAILED', 'pre hook exited 1', { uplink: 'lte' }) });
    detach();
    first.emit('warning', { at: 2, error: new WanwatchError('E_ADAPTER', 'ignored after detach') });
    const second = new FakeEngine();
    hub.attach(second as unknown as Engine);
    second.emit('role', { at: 3, role: 'backup', previous: 'master' });
    assert.deepEqual(
      seen.map((e) => [e.seq, e.type, e.uplink]),
      [
        [1, 'warning', 'lte'],
        [2, 'role', null],
      ],
    );
    assert.deepEqual(JSON.parse(JSON.stringify(seen[0]!.data)), {
      at: 1,
      error: { code: 'E_HOOK_FAILED', message: 'pre hook exited 1' },
    });
    for (let i = 0; i < EVENT_BUFFER + 10; i++) second.emit('role', { at: 10 + i, role: 'master', previous: 'backup' });
    const kept = hub.since(0);
    assert.equal(kept.length, EVENT_BUFFER);
    assert.equal(kept.at(-1)!.seq, EVENT_BUFFER + 12);
    assert.deepEqual(
      hub.since(EVENT_BUFFER + 10).map((e) => e.seq),
      [EVENT_BUFFER + 11, EVENT_BUFFER + 12],
    );
    hub.close();
  });

  it('samples every uplink on multiples of sampleMs from its probe rounds and states, and keeps one hour', async () => {
    await clock.tickAsync(3_000); // the first point ends on the next multiple of 10 s, not 10 s after attaching
    const hub = new EventHub(undefined, 10_000);
    const engine = new FakeEngine();
    const published: AgentEvent[] = [];
    hub.on('event', (e) => e.type === 'sample' && published.push(e));
    hub.attach(engine as unknown as Engine);
    const round = (...rtts: (number | null)[]) =>
      engine.emit('probe', {
        at: Date.now(),
        uplink: 'fiber',
        level: 'good',
        state: 'up',
        results: rtts.map((rttMs, i) => ({
          target: `192.0.2.${i + 1}`,
          result:
            rttMs === null
              ? ({ ok: false, reason: 'timeout', detail: 'timeout' } as const)
              : ({ ok: true, rttMs } as const),
        })),
      });
    round(20, 30, null);
    round(10, null, null);
    await clock.tickAsync(6_999);
    assert.equal(hub.history().length, 0);
    await clock.tickAsync(1);
    assert.deepEqual(hub.history(), [
      {
        at: 1_700_000_010_000,
        spanMs: 7_000, // from attaching (3 s past the multiple) to the point's end
        active: 'fiber',
        uplinks: [
          {
            id: 'fiber',
            state: 'up',
            worst: 'up',
            rttMs: 17.5, // mean of the rounds' means (25, 10)
            rttMinMs: 10,
            rttMaxMs: 25,
            lossPct: 50,
            lossMaxPct: 50,
            sent: 6,
            lost: 3,
            rounds: 2,
          },
        ],
      },
    ]);
    assert.deepEqual(
      published.map((e) => e.data),
      hub.history(),
    );
    await clock.tickAsync(2 * 3_600_000);
    assert.equal(hub.history().length, 360);
    assert.equal(hub.history()[0]!.at, 1_700_000_000_000 + 2 * 3_600_000 + 10_000 - 359 * 10_000);
    hub.close();
    await clock.tickAsync(60_000);
    assert.equal(hub.history().at(-1)!.at, 1_700_000_000_000 + 2 * 3_600_000 + 10_000);
  });
});
