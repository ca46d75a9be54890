import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, addFlap, penaltyAt, penaltyCeiling, reuseAt } from '../../src/index.js';

const s = DEFAULT_SETTINGS.dampening;

describe('flap dampening', () => {
  it('halves the penalty every half-life', () => {
    const p = addFlap(undefined, 0, s);
    assert.equal(p.value, 1000);
    assert.ok(Math.abs(penaltyAt(p, 60_000, s).value - 500) < 1e-9);
    assert.ok(Math.abs(penaltyAt(p, 120_000, s).value - 250) < 1e-9);
  });

  it('suppresses above the suppress threshold and releases only below reuse', () => {
    let p = addFlap(undefined, 0, s);
    p = addFlap(p, 5_000, s);
    assert.equal(penaltyAt(p, 5_000, s).suppressed, false, 'two flaps are tolerated');
    p = addFlap(p, 10_000, s);
    assert.equal(penaltyAt(p, 10_000, s).suppressed, true, 'the third flap within seconds suppresses');
    const at = reuseAt(p, 10_000, s)!;
    assert.equal(penaltyAt(p, at - 1_000, s).suppressed, true, 'between reuse and suppress it stays suppressed');
    assert.equal(penaltyAt(p, at, s).suppressed, false);
    assert.ok(penaltyAt(p, at, s).value < s.reuse);
  });

  it('caps the penalty so no suppression outlasts maxSuppress', () => {
    const short = { ...s, maxSuppressMs: 3 * s.halfLifeMs }; // ceiling 750 · 2³ = 6000
    let p = addFlap(undefined, 0, short);
    for (let i = 1; i < 50; i++) p = addFlap(p, i * 1000, short);
    assert.equal(penaltyCeiling(short), 6000);
    assert.ok(Math.abs(p.value - 6000) < 1e-6);
    assert.ok(reuseAt(p, p.at, short)! - p.at <= short.maxSuppressMs + 1);
    // With the defaults the ceiling (750 · 2¹⁵) is far above anything real flapping reaches.
    assert.ok(penaltyCeiling(s) > 1e7);
  });

  it('does nothing when disabled', () => {
    const off = { ...s, enabled: false };
    assert.deepEqual(penaltyAt(addFlap(addFlap(addFlap(undefined, 0, off), 1, off), 2, off), 3, off), {
      value: 0,
      suppressed: false,
    });
  });
});
