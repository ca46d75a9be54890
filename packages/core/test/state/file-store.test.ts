import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore, StateCorruptError, type PersistedState } from '../../src/index.js';

const state: PersistedState = {
  version: 1,
  active: 'fiber',
  activeSince: 1000,
  lastSwitchAt: 1000,
  pinned: null,
  forbidden: ['lte'],
  penalties: { fiber: { value: 1000, at: 5, suppressed: false } },
  blocks: { lte: { failures: 2, until: 9000 } },
};

describe('FileStateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wanwatch-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns nothing when there is no state yet, then round-trips what it saved', async () => {
    const store = new FileStateStore(join(dir, 'sub'));
    assert.equal(await store.load(), null);
    await store.save(state);
    assert.deepEqual(await store.load(), state);
    assert.equal((await stat(store.stateFile)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'sub'))).mode & 0o777, 0o700);
  });

  it('writes atomically: no temporary file is left and concurrent saves never interleave', async () => {
    const store = new FileStateStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save({ ...state, activeSince: i })));
    assert.deepEqual(await readdir(dir), ['state.json']);
    assert.equal((await store.load())?.activeSince, 19);
  });

  it('moves an unreadable state file aside and says so, so the next save cannot destroy it', async () => {
    const store = new FileStateStore(dir, () => Date.UTC(2026, 10, 21));
    await writeFile(store.stateFile, '{"version": 1, "active": ');
    const err = await store.load().then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StateCorruptError);
    assert.equal(err.code, 'E_STATE_CORRUPT');
    assert.equal(err.file, store.stateFile);
    assert.match(err.message, /unreadable .*kept as .*state\.json\.corrupt-2026-11-21/);
    assert.equal(await readFile(err.movedTo!, 'utf8'), '{"version": 1, "active": ');
    assert.equal(await store.load(), null, 'after moving it aside the store starts empty');
  });

  it('treats another schema version or a wrong shape as unreadable', async () => {
    const store = new FileStateStore(dir);
    for (const bad of [
      { ...state, version: 2 },
      { ...state, forbidden: 'lte' },
      { ...state, blocks: { lte: 3 } },
    ]) {
      await writeFile(store.stateFile, JSON.stringify(bad));
      await assert.rejects(store.load(), StateCorruptError);
    }
  });

  it('appends history, filters by time and count, and skips a line torn by a crash', async () => {
    const store = new FileStateStore(dir);
    for (let i = 1; i <= 5; i++) await store.append({ at: i * 100, type: 'switch', message: `switch ${i}` });
    await appendFile(store.historyFile, '{"at": 600, "type": "swi');
    assert.equal((await store.history()).length, 5);
    assert.deepEqual(
      (await store.history({ since: 300 })).map((e) => e.at),
      [300, 400, 500],
    );
    assert.deepEqual(
      (await store.history({ limit: 2 })).map((e) => e.at),
      [400, 500],
    );
    await store.append({ at: 700, type: 'switch', message: 'after the crash' });
    assert.deepEqual(
      (await store.history({ since: 600 })).map((e) => e.message),
      ['after the crash'],
      'the first entry after a torn line is not lost',
    );
  });
});
