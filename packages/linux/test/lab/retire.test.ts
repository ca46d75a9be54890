import assert from 'node:assert/strict';
import type { Uplink } from '@wanwatch/core';
import { ipIn, type Lab } from '@wanwatch/netlab';
import { LinuxAdapter, type LinuxAdapterOptions } from '../../src/index.js';
import { adapterLab, defaultRoutes, inLab, lanReaches, Notes, uplinkOf } from '../support/lab.js';

interface JsonRule {
  priority: number;
  table?: string;
}

/** The router's rules of `family` as `pref/table`, the kernel's own (local, main, default) left out. */
async function rules(lab: Lab, family: 4 | 6): Promise<string[]> {
  const out = await ipIn(lab.ns.router, ['-N', '-json', `-${family}`, 'rule', 'show']);
  return (JSON.parse(out.stdout || '[]') as JsonRule[])
    .filter((r) => ![0, 32766, 32767].includes(r.priority))
    .map((r) => `${r.priority}/${r.table ?? '?'}`);
}

const signal = () => new AbortController().signal;

describe('linux adapter: retiring the routing of a replaced configuration (reload), in the lab', function () {
  this.timeout(60_000);
  let lab: Lab;
  let wan1: Uplink;
  let wan2: Uplink;
  const open: LinuxAdapter[] = [];

  /** Starts an adapter the way the engine does: probe routing for every uplink, then adopt what carries traffic. */
  async function started(options: LinuxAdapterOptions, notes = new Notes()): Promise<LinuxAdapter> {
    const adapter = new LinuxAdapter([wan1, wan2], inLab(lab, { logger: notes.logger, ...options }));
    open.push(adapter);
    for (const u of [wan1, wan2]) await adapter.prepareProbing(u);
    const found = await adapter.discover([wan1, wan2]);
    const kept = [wan1, wan2].find((u) => u.id === found);
    if (kept) await adapter.adopt(kept, { signal: signal() });
    return adapter;
  }

  before(async () => {
    lab = await adapterLab(2);
    [wan1, wan2] = [uplinkOf(lab, 1), uplinkOf(lab, 2)];
  });
  after(async () => {
    for (const a of open) await a.close();
    await lab?.destroy();
  });

  it('removes the old rules, tables and metric once the new configuration runs, and the LAN keeps its uplink', async () => {
    const notes = new Notes();
    const old = await started({}, notes);
    assert.deepEqual(await rules(lab, 4), ['1000/101', '1000/101', '1001/102', '1001/102']);
    const renewed = await started({ tableBase: 200, rulePriority: 2000, metric: 20 });
    await old.close(); // as the daemon does: the old engine stops, then its closed adapter retires
    assert.ok((await old.retire(renewed)) > 0);
    for (const family of [4, 6] as const) {
      assert.deepEqual(
        (await rules(lab, family)).map((r) => r.split('/')[1]),
        ['201', '201', '202', '202'],
        `IPv${family}: only the new tables are looked up`,
      );
      for (const table of ['101', '102'])
        assert.deepEqual(await defaultRoutes(lab, family, table), [], `IPv${family} table ${table} flushed`);
      assert.equal((await defaultRoutes(lab, family, '202'))[0]?.dev, 'wan2', 'the new probe table of wan2 stays');
      assert.deepEqual(
        (await defaultRoutes(lab, family)).map((r) => [r.dev, r.metric]),
        [
          ['wan1', 20],
          ['wan1', 100],
        ],
        `IPv${family}: the old metric's route is gone, the new one carries traffic on the same uplink`,
      );
    }
    assert.ok(await lanReaches(lab, lab.targets4(1)[0]!), 'IPv4 still through uplink 1');
    assert.ok(await lanReaches(lab, lab.targets6(1)[0]!), 'IPv6 still through uplink 1');
    assert.match(notes.infos.join('\n'), /no longer uses/);
    assert.equal(await renewed.retire(renewed), 0, 'the same layout retires nothing');
  });

  it('keeps a route of the old metric while the new metric has none on that device (make before break)', async () => {
    const notes = new Notes();
    const current = await started({ tableBase: 200, rulePriority: 2000, metric: 20 }, notes);
    assert.equal(current.activeUplink, 'wan1');
    // A successor that has not adopted anything yet: its metric has no route.
    const successor = new LinuxAdapter([wan1, wan2], inLab(lab, { tableBase: 200, rulePriority: 2000, metric: 30 }));
    open.push(successor);
    await current.close();
    assert.equal(await current.retire(successor), 0);
    assert.ok(
      (await defaultRoutes(lab, 4)).some((r) => r.metric === 20 && r.dev === 'wan1'),
      'the route is kept',
    );
    assert.match(notes.warnings.join('\n'), /previous metric 20 is kept: the new metric 30 has no route on wan1/);
  });
});
