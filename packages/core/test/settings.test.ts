import assert from 'node:assert/strict';
import { ConfigError, DEFAULT_SETTINGS, resolveSettings, settingsForUplink, validateUplinks } from '../src/index.js';

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected a ConfigError');
}

describe('settings', () => {
  it('fills every default from one place', () => {
    assert.deepEqual(resolveSettings(), DEFAULT_SETTINGS);
    const s = resolveSettings({ failback: { mode: 'manual' }, health: { lossPct: { fail: 30 } } });
    assert.equal(s.failback.mode, 'manual');
    assert.equal(s.failback.delayMs, 60_000);
    assert.deepEqual(s.health.lossPct, { fail: 30, recover: 10 });
  });

  it('reports every problem with its path, not just the first', () => {
    const issues = issuesOf(() =>
      resolveSettings({
        probe: { intervalMs: 0, reliability: 1.5 },
        health: { lossPct: { fail: 10, recover: 20 } },
        failback: { mode: 'sometimes' as 'auto', window: '25:00-26:00', timeZone: 'Mars/Olympus' },
        dampening: { reuse: 3000 },
      }),
    );
    assert.deepEqual(
      issues.map((i) => i.split(':')[0]),
      [
        'probe.intervalMs',
        'probe.reliability',
        'health.lossPct.recover',
        'failback.mode',
        'failback.window',
        'failback.timeZone',
        'dampening.reuse',
      ],
    );
    assert.match(issues[0]!, /whole number from 10 to 3600000, got 0/);
  });

  it('validates uplinks: ids, duplicates, priorities, targets and reliability', () => {
    const s = resolveSettings();
    const issues = issuesOf(() =>
      validateUplinks(
        [
          { id: 'Fiber!', priority: 10, targets: ['192.0.2.1'] },
          { id: 'lte', priority: -1, targets: [] },
          { id: 'lte', priority: 20, targets: ['192.0.2.1', '192.0.2.1'] },
          { id: 'dsl', priority: 30, targets: ['192.0.2.1'], probe: { reliability: 2 } },
        ],
        s,
      ),
    );
    assert.deepEqual(issues, [
      'uplinks[0].id: must be 1-32 characters of a-z, 0-9, _ or -, got "Fiber!"',
      'uplinks[1].priority: must be a whole number from 0 to 1000000, got -1',
      'uplinks[1].targets: at least one target is required',
      'uplinks[2].id: duplicate uplink id "lte"',
      'uplinks[2].targets: lists a target twice',
      'uplinks[3].probe.reliability: is 2 but the uplink has only 1 target(s): no round could ever pass',
    ]);
    assert.deepEqual(
      issuesOf(() => validateUplinks([], s)),
      ['uplinks: at least one uplink is required'],
    );
  });

  it('merges per-uplink overrides over the globals, thresholds field by field', () => {
    const s = resolveSettings({ probe: { intervalMs: 1000 } });
    const merged = settingsForUplink(s, {
      id: 'lte',
      priority: 20,
      targets: ['192.0.2.1'],
      probe: { intervalMs: 2000 },
      health: { latencyMs: { fail: 1500 } },
    });
    assert.equal(merged.probe.intervalMs, 2000);
    assert.equal(merged.probe.failureIntervalMs, 200);
    assert.deepEqual(merged.health.latencyMs, { fail: 1500, recover: 400 });
  });

  it('still reads probe.jitterPct, the 0.1 name of the interval spread', () => {
    assert.equal(resolveSettings({ probe: { jitterPct: 10 } }).probe.spreadPct, 10);
    assert.equal(resolveSettings({ probe: { jitterPct: 10, spreadPct: 2 } }).probe.spreadPct, 2, 'the new name wins');
    const lte = { id: 'lte', priority: 20, targets: ['192.0.2.1'], probe: { jitterPct: 20 } };
    assert.equal(settingsForUplink(resolveSettings(), lte).probe.spreadPct, 20);
    assert.equal('jitterPct' in settingsForUplink(resolveSettings(), lte).probe, false);
  });
});
