import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAtomicTemps, writeFileAtomic } from '../../src/index.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ww-atomic-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the file with the new content and mode, leaving no temporary file', async () => {
    const file = join(dir, 'state.json');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    await writeFileAtomic(file, 'new\n', { mode: 0o600 });
    assert.equal(readFileSync(file, 'utf8'), 'new\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });

  it('writes bytes as they are (latin1 files stay byte for byte)', async () => {
    const file = join(dir, 'settings');
    await writeFileAtomic(file, Buffer.from('NAME=caf\xe9\n', 'latin1'), { mode: 0o644 });
    assert.deepEqual([...readFileSync(file)].slice(-2), [0xe9, 0x0a]);
    assert.equal(readFileSync(file, 'latin1'), 'NAME=caf\xe9\n');
  });

  it('rejects when the rename fails, keeps the old file and removes its temporary file', async () => {
    const file = join(dir, 'target');
    mkdirSync(file); // a directory where the file should go: rename(2) refuses
    writeFileSync(join(file, 'inside'), 'kept');
    await assert.rejects(writeFileAtomic(file, 'new'), /EISDIR|ENOTEMPTY|EEXIST/);
    assert.deepEqual(readdirSync(dir), ['target'], 'no temporary file is left behind');
    assert.equal(readFileSync(join(file, 'inside'), 'utf8'), 'kept');
  });

  it('removes the temporary files a killed writer left, and only those', async () => {
    writeFileSync(join(dir, '.state.json.wanwatch-123-0123abcd'), 'half');
    writeFileSync(join(dir, 'state.json'), 'whole');
    assert.deepEqual(await removeAtomicTemps(dir), ['.state.json.wanwatch-123-0123abcd']);
    assert.deepEqual(readdirSync(dir), ['state.json']);
  });
});
