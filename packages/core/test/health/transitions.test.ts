import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEFAULT_SETTINGS } from '../../src/index.js';
import { NO_STREAKS, TRANSITIONS, transitionFrom, type Streaks } from '../../src/health/transitions.js';

const h = DEFAULT_SETTINGS.health;
const after = (over: Partial<Streaks>): Streaks => ({ ...NO_STREAKS, ...over });

describe('health transitions', () => {
  it('are the table the README shows, row for row', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = /<!-- transitions:start -->([\s\S]*?)<!-- transitions:end -->/.exec(readme)?.[1] ?? '';
    const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    const rows = table
      .trim()
      .split('\n')
      .slice(2)
      .map((line) => line.split('|').slice(1, -1).map(codes));
    assert.deepEqual(
      rows,
      TRANSITIONS.map((t) => [[...t.from], [t.to], [t.streak], [String(t.needs)]]),
    );
  });

  it('recovers from an outage through degraded, from poor quality only through good rounds', () => {
    assert.equal(transitionFrom('down:outage', after({ notBad: 6 }), h, 'loss 30%')?.to, 'degraded');
    assert.equal(transitionFrom('down:quality', after({ notBad: 60 }), h, 'loss 30%'), null);
    assert.equal(transitionFrom('down:quality', after({ notBad: 6, good: 6 }), h, '')?.to, 'up');
  });

  it('says which streak decided, and how long it was', () => {
    assert.deepEqual(transitionFrom('up', after({ outage: 4, bad: 4, notGood: 4 }), h, '0 of 3 targets answered'), {
      to: 'down:outage',
      reason: '4 rounds failed: 0 of 3 targets answered',
    });
    assert.deepEqual(transitionFrom('unknown', after({ linkDown: 1, outage: 1 }), h, 'ENETDOWN'), {
      to: 'down:outage',
      reason: 'link down: ENETDOWN',
    });
    assert.equal(transitionFrom('up', after({ bad: 19, notGood: 19 }), h, ''), null, 'quality waits a whole window');
  });
});
