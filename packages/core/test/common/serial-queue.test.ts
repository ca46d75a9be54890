import assert from 'node:assert/strict';
import { SerialQueue } from '../../src/index.js';

describe('SerialQueue', () => {
  it('runs work one piece at a time, in the order it was queued', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = queue.run(async () => {
      log.push('first starts');
      await gate;
      log.push('first ends');
      return 1;
    });
    const second = queue.run(async () => {
      log.push('second runs');
      return 2;
    });
    await Promise.resolve();
    assert.deepEqual(log, ['first starts'], 'the second waits for the first');
    release();
    assert.deepEqual(await Promise.all([first, second]), [1, 2]);
    assert.deepEqual(log, ['first starts', 'first ends', 'second runs']);
  });

  it('rejects only the piece that failed; the next one still runs', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('disk full')));
    const next = queue.run(async () => 'written');
    await assert.rejects(failed, /disk full/);
    assert.equal(await next, 'written');
    await queue.idle();
  });
});
