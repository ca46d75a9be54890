import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lab } from '../src/lab.js';

describe('netlab traffic meter', function () {
  this.timeout(30_000);
  let lab: Lab;
  before(async () => {
    lab = await Lab.create({ uplinks: 2, services: false });
  });
  after(() => lab?.destroy());

  it('sees no gap and no loss on a healthy path', async () => {
    const meter = await lab.startMeter({ intervalMs: 5 });
    await sleep(500);
    const report = await meter.stop();
    assert.ok(report.sent >= 80, `${report.sent} sent`);
    assert.equal(report.lost, 0);
    assert.deepEqual(report.gaps, []);
  });

  for (const family of [4, 6] as const) {
    it(`measures a 300 ms outage of the active uplink to within 20 ms (IPv${family})`, async () => {
      const meter = await lab.startMeter({ intervalMs: 5, family });
      await sleep(200);
      const t0 = performance.now();
      const fault = await lab.faults.upstreamBlackhole(1);
      const t1 = performance.now();
      await sleep(300 - (t1 - t0));
      const t2 = performance.now();
      await fault.clear();
      const t3 = performance.now();
      await sleep(200);
      const report = await meter.stop();
      // One outage, not split in two; a busy machine may add short scheduling gaps elsewhere.
      const outages = report.gaps.filter((g) => g.durationMs >= 100);
      assert.equal(outages.length, 1, JSON.stringify(report.gaps));
      // The outage lasted somewhere between "fault fully in place" and "fault being set up" to cleared.
      const shortest = t2 - t1;
      const longest = t3 - t0;
      const gap = report.longestGapMs;
      assert.ok(gap >= shortest - 20 && gap <= longest + 20, `gap ${gap} ms, outage ${shortest}…${longest} ms`);
      assert.ok(outages[0]!.lost >= 50, `${outages[0]!.lost} lost`);
    });
  }
});
