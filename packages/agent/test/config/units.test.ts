import assert from 'node:assert/strict';
import { formatDuration, parseDuration, parsePercent } from '@wanwatch/agent';

describe('config units', () => {
  it('reads durations with units, combined largest first', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('60s'), 60_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5s'), 1500);
  });

  it('refuses durations without a unit, with spaces or out of order', () => {
    for (const bad of ['5', '5 s', 'fast', '5s3m', '1s1s', '']) assert.equal(parseDuration(bad), null, bad);
  });

  it('reads percentages up to 100', () => {
    assert.equal(parsePercent('40%'), 40);
    assert.equal(parsePercent('2.5%'), 2.5);
    assert.equal(parsePercent('150%'), null);
    assert.equal(parsePercent('40'), null);
  });

  it('spells milliseconds in the shortest exact form', () => {
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(60_000), '1m');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(1500), '1500ms');
    for (const ms of [200, 1000, 30_000, 900_000, 3_600_000]) assert.equal(parseDuration(formatDuration(ms)), ms);
  });
});
