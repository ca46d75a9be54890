import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import {
  MAX_TIMER_MS,
  SETTINGS_LIMITS,
  durationLimit,
  resolveSettings,
  systemClock,
  type Limit,
} from '../../src/index.js';

/** Every limit declared in a nested record of limits. */
function limitsOf(record: object, at = ''): [string, Limit][] {
  return Object.entries(record).flatMap(([k, v]: [string, unknown]) =>
    v !== null && typeof v === 'object' && 'integer' in v
      ? [[`${at}${k}`, v as Limit] as [string, Limit]]
      : limitsOf(v as object, `${at}${k}.`),
  );
}

describe('limits of durations', () => {
  it('bounds every engine duration below the longest timer Node can arm', () => {
    const durations = limitsOf(SETTINGS_LIMITS).filter(([, l]) => l.unit === 'ms');
    assert.ok(durations.length >= 19, `${durations.length} durations`);
    for (const [path, limit] of durations)
      assert.ok(limit.max !== undefined && limit.max <= MAX_TIMER_MS, `${path} has an upper bound within a timer`);
  });

  it('refuses to declare a duration a timer cannot hold', () => {
    assert.throws(() => durationLimit(0, 25 * 86_400_000), RangeError);
  });

  it('refuses engine durations beyond their bound (25 days of failback delay)', () => {
    assert.throws(
      () => resolveSettings({ failback: { delayMs: 25 * 86_400_000 } }),
      /failback\.delayMs: must be a whole number from 0 to 86400000/,
    );
  });

  it('the system clock throws instead of arming a 1 ms timer for 25 days', () => {
    const clock = FakeTimers.install();
    try {
      let fired = 0;
      assert.throws(() => systemClock.setTimeout(() => fired++, 25 * 86_400_000), /cannot be armed/);
      const ok = systemClock.setTimeout(() => fired++, MAX_TIMER_MS);
      clock.tick(1000);
      assert.equal(fired, 0, 'nothing fired early');
      systemClock.clearTimeout(ok);
    } finally {
      clock.uninstall();
    }
  });
});
