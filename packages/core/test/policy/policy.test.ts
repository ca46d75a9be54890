import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, decide, type Decision, type PolicyInput, type PolicyUplink } from '../../src/index.js';

const NOW = 1_000_000;
const u = (id: string, priority: number, over: Partial<PolicyUplink> = {}): PolicyUplink => ({
  id,
  priority,
  order: priority,
  state: 'up',
  since: 0,
  suppressed: false,
  reuseAt: null,
  backedOffUntil: null,
  forbidden: false,
  answering: true,
  broken: false,
  ...over,
});
const input = (over: Partial<PolicyInput>): PolicyInput => ({
  now: NOW,
  uplinks: [u('fiber', 10), u('lte', 20)],
  active: 'fiber',
  activeSince: 0,
  held: null,
  standbyProbing: true,
  failback: DEFAULT_SETTINGS.failback,
  startedAt: 0,
  startupGraceMs: 5_000,
  role: 'master',
  ...over,
});
const target = (d: Decision) => (d.kind === 'switch' ? `${d.to}:${d.reason}` : `stay:${d.reason}`);

describe('decide', () => {
  it('stays on a healthy preferred uplink', () => {
    assert.equal(target(decide(input({}))), 'stay:steady');
  });

  it('fails over at once to the best up uplink, preferring up over degraded', () => {
    const uplinks = [
      u('fiber', 10, { state: 'down', answering: false }),
      u('dsl', 20, { state: 'degraded' }),
      u('lte', 30),
    ];
    assert.equal(target(decide(input({ uplinks }))), 'lte:failover');
  });

  it('never leaves an uplink for being degraded', () => {
    const uplinks = [u('fiber', 10, { state: 'degraded' }), u('lte', 20)];
    assert.equal(target(decide(input({ uplinks }))), 'stay:steady');
  });

  it('keeps the current route when nothing else is usable', () => {
    const uplinks = [
      u('fiber', 10, { state: 'down', answering: false }),
      u('lte', 20, { state: 'down', answering: false }),
    ];
    assert.equal(target(decide(input({ uplinks }))), 'stay:no-usable-uplink');
  });

  it('prefers a poor uplink that still answers over a dead one, but never moves between two poor ones', () => {
    const dead = u('fiber', 10, { state: 'down', answering: false });
    const poor = u('lte', 20, { state: 'down', answering: true });
    assert.equal(target(decide(input({ uplinks: [dead, poor] }))), 'lte:failover');
    const poorActive = u('fiber', 10, { state: 'down', answering: true });
    assert.equal(target(decide(input({ uplinks: [poorActive, poor] }))), 'stay:no-usable-uplink');
  });

  it('uses a suppressed uplink only as a last resort and never a backed-off one', () => {
    const down = u('fiber', 10, { state: 'down', answering: false });
    const suppressed = u('lte', 20, { suppressed: true, reuseAt: NOW + 60_000 });
    assert.equal(target(decide(input({ uplinks: [down, suppressed] }))), 'lte:failover');
    const backedOff = u('lte', 20, { backedOffUntil: NOW + 10_000 });
    const d = decide(input({ uplinks: [down, backedOff] }));
    assert.equal(target(d), 'stay:no-usable-uplink');
    assert.equal(d.kind === 'stay' && d.recheckAt, NOW + 10_000, 'rechecks when the back-off ends');
  });

  it('fails back after the delay counted from the later of recovery and the last switch', () => {
    const f = { ...DEFAULT_SETTINGS.failback, delayMs: 60_000, minDwellMs: 0 };
    const recovered = [u('fiber', 10, { since: NOW - 30_000 }), u('lte', 20)];
    const d = decide(input({ uplinks: recovered, active: 'lte', activeSince: NOW - 100_000, failback: f }));
    assert.equal(target(d), 'stay:failback-pending');
    assert.deepEqual(d.kind === 'stay' && d.pending, { uplink: 'fiber', dueAt: NOW + 30_000, waitingFor: 'delay' });
    const longUp = [u('fiber', 10, { since: NOW - 500_000 }), u('lte', 20)];
    assert.equal(
      target(decide(input({ uplinks: longUp, active: 'lte', activeSince: NOW - 10_000, failback: f }))),
      'stay:failback-pending',
      'a manual failover 10 s ago starts the delay',
    );
    assert.equal(
      target(decide(input({ uplinks: longUp, active: 'lte', activeSince: NOW - 60_000, failback: f }))),
      'fiber:failback',
    );
  });

  it('waits for the minimum dwell time before a voluntary switch', () => {
    const f = { ...DEFAULT_SETTINGS.failback, delayMs: 0, minDwellMs: 30_000 };
    const d = decide(input({ active: 'lte', activeSince: NOW - 10_000, failback: f }));
    assert.deepEqual(d.kind === 'stay' && d.pending, { uplink: 'fiber', dueAt: NOW + 20_000, waitingFor: 'dwell' });
  });

  it('in manual mode waits for the operator; in disabled mode does not even wait', () => {
    const manual = decide(input({ active: 'lte', failback: { ...DEFAULT_SETTINGS.failback, mode: 'manual' } }));
    assert.deepEqual(manual.kind === 'stay' && manual.pending, {
      uplink: 'fiber',
      dueAt: null,
      waitingFor: 'operator',
    });
    const disabled = decide(input({ active: 'lte', failback: { ...DEFAULT_SETTINGS.failback, mode: 'disabled' } }));
    assert.equal(target(disabled), 'stay:failback-disabled');
  });

  it('does not fail back outside the window and says when it opens', () => {
    const now = Date.UTC(2026, 0, 1, 1, 30);
    const f = { ...DEFAULT_SETTINGS.failback, window: '02:00-05:00', timeZone: 'UTC' };
    const d = decide(input({ now, active: 'lte', activeSince: now - 3_600_000, failback: f }));
    assert.deepEqual(d.kind === 'stay' && d.pending, {
      uplink: 'fiber',
      dueAt: now + 30 * 60_000,
      waitingFor: 'window',
    });
  });

  it('treats equal priorities as equal: no switch between them', () => {
    const uplinks = [u('a', 10, { order: 0 }), u('b', 10, { order: 1 })];
    assert.equal(target(decide(input({ uplinks, active: 'b' }))), 'stay:steady');
  });

  it('ranks a held uplink above every priority and never chooses a forbidden one', () => {
    const held = decide(input({ held: 'lte', failback: { ...DEFAULT_SETTINGS.failback, minDwellMs: 0 } }));
    assert.equal(target(held), 'lte:failback');
    const forbidden = [u('fiber', 10, { forbidden: true }), u('lte', 20)];
    assert.equal(target(decide(input({ uplinks: forbidden }))), 'lte:forbid');
  });

  it('waits for a better uplink still being measured at start-up, within the grace time', () => {
    const uplinks = [u('fiber', 10, { state: 'unknown' }), u('lte', 20)];
    const early = decide(input({ uplinks, active: null, now: 2_000 }));
    assert.equal(target(early), 'stay:awaiting-probes');
    assert.equal(early.kind === 'stay' && early.recheckAt, 5_000);
    assert.equal(target(decide(input({ uplinks, active: null, now: 6_000 }))), 'lte:initial');
  });

  it('on dark standby fails back by trial once the delay since the switch has passed', () => {
    const f = { ...DEFAULT_SETTINGS.failback, delayMs: 60_000 };
    const uplinks = [u('fiber', 10, { state: 'unknown' }), u('lte', 20)];
    const early = decide(
      input({ uplinks, active: 'lte', activeSince: NOW - 30_000, standbyProbing: false, failback: f }),
    );
    assert.equal(target(early), 'stay:failback-pending');
    const due = decide(
      input({ uplinks, active: 'lte', activeSince: NOW - 60_000, standbyProbing: false, failback: f }),
    );
    assert.equal(target(due), 'fiber:failback');
    assert.equal(due.kind === 'switch' && due.trial, true);
  });

  it('leaves a broken active uplink for any usable one, but stays when nothing else is usable', () => {
    const broken = u('fiber', 10, { broken: true });
    assert.equal(target(decide(input({ uplinks: [broken, u('lte', 20, { state: 'degraded' })] }))), 'lte:rollback');
    assert.equal(
      target(decide(input({ uplinks: [broken, u('lte', 20, { state: 'down', answering: false })] }))),
      'stay:no-usable-uplink',
    );
  });

  it('marks only switches to unmeasured uplinks as trials', () => {
    const dead = u('fiber', 10, { state: 'down', answering: false });
    const poor = decide(input({ uplinks: [dead, u('lte', 20, { state: 'down', answering: true })] }));
    assert.equal(poor.kind === 'switch' && poor.trial, false);
  });

  it('does nothing as HA backup', () => {
    assert.equal(target(decide(input({ role: 'backup', active: null }))), 'stay:backup-role');
  });
});
