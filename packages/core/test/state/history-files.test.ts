import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore, HistoryFiles, type HistoryEntry } from '../../src/index.js';

const entry = (i: number): HistoryEntry => ({ at: 1000 + i, type: 'state', uplink: 'fiber', message: `entry ${i}` });
/** Every entry above is 60-61 bytes as a line. */
const lineBytes = (i: number) => Buffer.byteLength(`${JSON.stringify(entry(i))}\n`);

describe('history rotation (HistoryFiles, FileStateStore)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wanwatch-history-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rotates the live file by size, keeps the configured number of files and reads across them in order', async () => {
    const store = new FileStateStore(dir, Date.now, { maxBytes: 3 * lineBytes(10), files: 2 });
    for (let i = 10; i < 30; i++) await store.append(entry(i));
    assert.deepEqual((await readdir(dir)).sort(), ['history.jsonl', 'history.jsonl.1', 'history.jsonl.2']);
    for (const f of await readdir(dir)) assert.ok((await stat(join(dir, f))).size <= 3 * lineBytes(10), f);
    const all = await store.history();
    // 20 appended, 3 per file, 3 files kept: the newest 8 (the live file holds the last 2).
    assert.deepEqual(
      all.map((e) => e.at),
      Array.from({ length: 8 }, (_, i) => 1022 + i),
    );
    assert.deepEqual(
      (await store.history({ since: 1027, limit: 2 })).map((e) => e.message),
      ['entry 28', 'entry 29'],
    );
    const oldest = (await readFile(join(dir, 'history.jsonl.2'), 'utf8')).split('\n')[0];
    assert.equal((JSON.parse(oldest!) as HistoryEntry).message, 'entry 22');
  });

  it('skips a torn line in a rotated file and a gap left by a crash mid-rotation', async () => {
    const files = new HistoryFiles(dir, join(dir, 'history.jsonl'), { maxBytes: 2 * lineBytes(10), files: 3 });
    for (let i = 10; i < 16; i++) await files.append(entry(i));
    await appendFile(join(dir, 'history.jsonl.2'), '{"at": 17, "type"');
    await unlink(join(dir, 'history.jsonl.1'));
    const read = await files.read();
    assert.deepEqual(
      read.map((e) => e.message),
      ['entry 10', 'entry 11', 'entry 14', 'entry 15'],
    );
  });

  it('with zero rotated files cuts the live file instead of growing it', async () => {
    const files = new HistoryFiles(dir, join(dir, 'history.jsonl'), { maxBytes: 2 * lineBytes(10), files: 0 });
    for (let i = 10; i < 15; i++) await files.append(entry(i));
    assert.deepEqual(await readdir(dir), ['history.jsonl']);
    assert.deepEqual(
      (await files.read()).map((e) => e.at),
      [1014],
    );
  });

  it('never splits a line larger than the limit', async () => {
    const files = new HistoryFiles(dir, join(dir, 'history.jsonl'), { maxBytes: 10, files: 1 });
    await files.append(entry(1));
    await files.append(entry(2));
    assert.deepEqual(
      (await files.read()).map((e) => e.at),
      [1001, 1002],
    );
  });
});
