/**
 * The engine's transitions are pure: a state and an input in, the next state
 * and the effects out. These tests drive them without a runtime, a clock or
 * a network.
 */
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, type HealthVerdict, type SwitchRequest, type Uplink } from '../../src/index.js';
import { afterCommand } from '../../src/engine/commands.js';
import { afterDecision } from '../../src/engine/decisions.js';
import type { Effect, Step } from '../../src/engine/effects.js';
import { afterRound } from '../../src/engine/measure.js';
import { initialState, type EngineState } from '../../src/engine/state.js';
import { afterRediscovery, afterSwitchFailed } from '../../src/engine/switching.js';
import { beginTrial, checkTrial } from '../../src/engine/trials.js';
import { withActive, withBackOff, withHeld } from '../../src/state/ledger.js';
import { WanwatchError } from '../../src/errors.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const fiber: Uplink = { id: 'fiber', priority: 10, targets: ['192.0.2.10'] };
const lte: Uplink = { id: 'lte', priority: 20, targets: ['192.0.2.10'] };
const up = (since = NOW - 600_000): HealthVerdict => ({ state: 'up', since, answering: true });

function running(over: Partial<EngineState> = {}, standbyProbing = true): EngineState {
  const config = { settings: DEFAULT_SETTINGS, uplinks: [fiber, lte], standbyProbing };
  const base = initialState(
    config,
    new Map([
      ['fiber', up()],
      ['lte', up()],
    ]),
  );
  return { ...base, phase: 'running', startedAt: NOW - 600_000, ...over };
}

const kinds = (s: Step) => s.effects.map((e: Effect) => (e.kind === 'emit' ? `emit ${e.event.name}` : e.kind));
const request = (to: Uplink, from: Uplink | null, trial = false): SwitchRequest => ({
  to,
  from,
  reason: 'failback',
  trial,
  detail: 'test',
});

describe('engine transitions', () => {
  it('after a round that takes a live uplink down: the probe event, the change, a flap counted and saved', () => {
    const state = running({ ledger: withActive(running().ledger, 'fiber', NOW - 600_000, true) });
    const down = { state: 'down' as const, since: NOW, answering: false };
    const change = { uplink: 'fiber', from: 'up' as const, to: 'down' as const, reason: '4 rounds failed', at: NOW };
    const metrics = { rttMs: null, lossPct: 100, jitterMs: null };
    const next = afterRound(
      state,
      { uplink: 'fiber', verdict: down, change: { ...change, metrics }, results: [], level: 'bad' },
      NOW,
    );
    assert.deepEqual(kinds(next), ['emit probe', 'emit uplink:state', 'record', 'save']);
    assert.equal(next.state.health.get('fiber')?.state, 'down');
    assert.equal(next.state.ledger.penalties.get('fiber')?.value, 1000);
    assert.equal(state.ledger.penalties.size, 0, 'the old state is untouched');
  });

  it('a trial that runs out of time backs the uplink off, marks it broken and reports the failure', () => {
    const begun = beginTrial(running({}, false), request(fiber, lte, true), 7, NOW);
    assert.deepEqual(begun.effects, [{ kind: 'trial-deadline', at: NOW + 30_000 }]);
    const unknown = new Map(begun.state.health).set('fiber', { state: 'unknown', since: NOW, answering: true });
    const waiting = { ...begun.state, health: unknown };
    assert.deepEqual(kinds(checkTrial(waiting, NOW + 29_999)), [], 'still within its window');
    const failed = checkTrial(waiting, NOW + 30_000);
    assert.deepEqual(kinds(failed), ['trial-deadline', 'emit switch:failed', 'record', 'save']);
    assert.equal(failed.state.trial, null);
    assert.equal(failed.state.broken.get('fiber'), 'trial');
    assert.equal(failed.state.ledger.backOffs.get('fiber')?.until, NOW + 30_000 + 60_000);
  });

  it('a switch whose route moved but whose traffic did not flow leaves the uplink broken, and believes the system', () => {
    const from = running({ ledger: withActive(running().ledger, 'lte', NOW - 600_000, true) });
    const failedAt = afterSwitchFailed(from, request(fiber, lte), true, NOW);
    assert.equal(failedAt.state.broken.get('fiber'), 'path', 'its own probes pass: the path is broken');
    assert.equal(failedAt.state.ledger.backOffs.get('fiber')?.until, NOW + 10_000);
    const event = {
      id: 1,
      at: NOW,
      from: 'lte',
      to: 'fiber',
      reason: 'failback' as const,
      trial: false,
      detail: 'test',
      durationMs: 3000,
      step: 'verify' as const,
      error: new WanwatchError('E_VERIFY_FAILED', 'no traffic'),
      active: 'fiber',
    };
    const found = afterRediscovery(failedAt.state, request(fiber, lte), event, true, 'fiber', NOW);
    assert.equal(found.state.ledger.active, 'fiber', 'the route is on fiber: the policy rolls back from there');
    assert.deepEqual(kinds(found), ['emit switch:failed', 'record', 'sync-probers', 'save']);
  });

  it('an operator failback asks the policy, and a forbid ends a hold', () => {
    const backedOff = running({
      ledger: withBackOff(withActive(running().ledger, 'lte', NOW - 600_000, true), 'fiber', NOW, 10_000, 60_000),
    });
    assert.throws(() => afterCommand(backedOff, { kind: 'failback' }, NOW), /fiber is backed off for 10 s/);
    const plan = afterCommand(backedOff, { kind: 'failback' }, NOW + 10_000);
    assert.deepEqual(plan.switch, {
      to: 'fiber',
      reason: 'failback',
      trial: false,
      detail: 'operator: failback to fiber',
    });
    const held = running({ ledger: withHeld(running().ledger, 'lte') });
    const forbidden = afterCommand(held, { kind: 'forbid', uplink: 'lte' }, NOW);
    assert.deepEqual([forbidden.state.ledger.held, forbidden.state.ledger.forbidden], [null, ['lte']]);
    assert.equal(forbidden.switch, null, 'the policy moves traffic off it on its next verdict');
  });

  it('tells when an awaited failback is cancelled, and why', () => {
    const pending = { uplink: 'fiber', dueAt: NOW + 5_000, waitingFor: 'delay' as const };
    const waiting = running({ pending });
    const forbidden = { ...waiting, ledger: { ...waiting.ledger, forbidden: ['fiber'] } };
    const stay = {
      kind: 'stay' as const,
      reason: 'steady' as const,
      detail: 'lte is best',
      pending: null,
      recheckAt: null,
    };
    const next = afterDecision(forbidden, stay, NOW);
    const cancelled = next.effects.find((e) => e.kind === 'emit' && e.event.name === 'failback:cancelled');
    assert.deepEqual(cancelled?.kind === 'emit' && cancelled.event.payload, {
      at: NOW,
      uplink: 'fiber',
      reason: 'forbidden by the operator',
    });
    assert.equal(next.state.pending, null);
  });
});
