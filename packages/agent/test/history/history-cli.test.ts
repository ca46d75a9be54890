import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { AgentStateStore, loadConfig } from '@wanwatch/agent';
import type { HistoryEntry } from '@wanwatch/core';
import { wanwatch } from '../support/agent.js';
import { TempDir } from '../support/tmp.js';

const HOUR = 3_600_000;

describe('history on disk (rotation, wanwatch history --since)', function () {
  this.timeout(30_000);
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  const config = (history: string) =>
    dir.file(
      'wanwatch.yaml',
      `platform: simulated
state: ${dir.join('state')}
control: { socket: ${dir.join('run', 'wanwatch.sock')} }
${history}
uplinks:
  - { name: fiber, interface: eth1, targets: [192.0.2.10] }
  - { name: lte, interface: wwan0, targets: [192.0.2.10] }
`,
    );

  it('reads the last 24 h across rotated files with the agent down, as the agent wrote them', async () => {
    const file = config('history: { maxBytes: 4096, files: 4 }');
    const cfg = loadConfig(file);
    assert.deepEqual(cfg.history, { maxBytes: 4096, files: 4 });
    // What the daemon's store writes: 150 lines of ~175 bytes, 23 per 4 KiB file: 5 files keep ~115.
    const store = new AgentStateStore(cfg.stateDir, cfg.history);
    const now = Date.now();
    const pad = 'x'.repeat(80);
    for (let i = 0; i < 150; i++) {
      // One entry every 15 minutes, the newest 7.5 minutes ago: 37.5 h in all, none on the 24 h boundary.
      const at = now - (149 - i) * HOUR * 0.25 - HOUR / 8;
      await store.append({ at, type: 'state', uplink: 'lte', message: `entry ${i} ${pad}` });
    }
    await store.flush();
    const files = readdirSync(dir.join('state')).sort();
    assert.deepEqual(files, [
      'history.jsonl',
      'history.jsonl.1',
      'history.jsonl.2',
      'history.jsonl.3',
      'history.jsonl.4',
    ]);
    const r = await wanwatch('history', '--since', '24h', '--json', '-c', file);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no wanwatch agent is running.*reading .*history\.jsonl and its rotated files/);
    const entries = JSON.parse(r.stdout) as HistoryEntry[];
    // 24 h at 4 per hour, oldest first; every file is read.
    assert.deepEqual(
      entries.map((e) => e.message),
      Array.from({ length: 96 }, (_, k) => `entry ${54 + k} ${pad}`),
    );
    const all = JSON.parse((await wanwatch('history', '--json', '-c', file)).stdout) as HistoryEntry[];
    assert.ok(all.length > 96 && all.length < 150, `rotation dropped the oldest lines (${all.length} kept)`);
    assert.equal(all.at(-1)?.message, `entry 149 ${pad}`);
    const text = await wanwatch('history', '--since', '1h', '-c', file);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout.trim().split('\n').length, 4, text.stdout);
  });

  it('refuses a rotation size too small to be useful, naming the line', async () => {
    const r = await wanwatch('check-config', '-c', config('history: { maxBytes: 100, files: 200 }'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /wanwatch\.yaml:4:\d+: history\.maxBytes: must be at least 4096, got 100/);
    assert.match(r.stderr, /wanwatch\.yaml:4:\d+: history\.files: must be from 0 to 100, got 200/);
  });
});
