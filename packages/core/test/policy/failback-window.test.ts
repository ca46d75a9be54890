import assert from 'node:assert/strict';
import { inDailyWindow, msUntilWindowOpens, parseDailyWindow } from '../../src/index.js';

describe('daily failback window', () => {
  it('parses HH:MM-HH:MM and rejects anything else', () => {
    assert.deepEqual(parseDailyWindow('02:00-05:30'), { startMinute: 120, endMinute: 330 });
    for (const bad of ['2:00-05:00', '02:00-24:00', '02:00', '05:00-05:00', 'night'])
      assert.equal(parseDailyWindow(bad), null, bad);
  });

  it('is open inside the window and closed at its end', () => {
    const w = parseDailyWindow('02:00-05:00')!;
    assert.equal(inDailyWindow(w, Date.UTC(2026, 0, 1, 2, 0), 'UTC'), true);
    assert.equal(inDailyWindow(w, Date.UTC(2026, 0, 1, 4, 59), 'UTC'), true);
    assert.equal(inDailyWindow(w, Date.UTC(2026, 0, 1, 5, 0), 'UTC'), false);
  });

  it('wraps past midnight', () => {
    const w = parseDailyWindow('22:00-02:00')!;
    assert.equal(inDailyWindow(w, Date.UTC(2026, 0, 1, 23, 0), 'UTC'), true);
    assert.equal(inDailyWindow(w, Date.UTC(2026, 0, 1, 1, 0), 'UTC'), true);
    assert.equal(inDailyWindow(w, Date.UTC(2026, 0, 1, 12, 0), 'UTC'), false);
  });

  it('counts the time until it opens, in the given time zone', () => {
    const w = parseDailyWindow('02:00-05:00')!;
    assert.equal(msUntilWindowOpens(w, Date.UTC(2026, 0, 1, 1, 30), 'UTC'), 30 * 60_000);
    assert.equal(msUntilWindowOpens(w, Date.UTC(2026, 0, 1, 6, 0), 'UTC'), 20 * 3_600_000);
    // 02:00 in New York (EST, UTC-5) is 07:00 UTC
    assert.equal(msUntilWindowOpens(w, Date.UTC(2026, 0, 1, 6, 0), 'America/New_York'), 3_600_000);
  });
});
