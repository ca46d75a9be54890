import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync, writeSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '@wanwatch/exec';
import { FifoLineSource } from '../../src/ha/fifo.js';

/** Writes like keepalived: a read-write, non-blocking descriptor, so nothing blocks without a reader. */
function keepalivedWrite(path: string, text: string): void {
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  writeSync(fd, text);
  closeSync(fd);
}

const until = async (check: () => boolean) => {
  for (let k = 0; k < 100 && !check(); k++) await new Promise((r) => setTimeout(r, 10));
};

describe("keepalived's notify FIFO", () => {
  let dir: string;
  let fifo: FifoLineSource | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wanwatch-fifo-'))));
  afterEach(() => {
    fifo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is created when missing, and streams whole lines however they are split', async () => {
    const path = join(dir, 'notify');
    fifo = new FifoLineSource(path, new ExecaRunner({ timeoutMs: 5000 }), () => undefined);
    const lines: string[] = [];
    fifo.onLine((l) => lines.push(l));
    assert.deepEqual(await fifo.open(), []);
    keepalivedWrite(path, 'INSTANCE "VI_1" MAS');
    keepalivedWrite(path, 'TER 100\nINSTANCE "VI_1" BACKUP 100\n');
    await until(() => lines.length === 2);
    assert.deepEqual(lines, ['INSTANCE "VI_1" MASTER 100', 'INSTANCE "VI_1" BACKUP 100']);
  });

  it('hands over what keepalived wrote before the reader opened, and follows a FIFO keepalived made anew', async () => {
    const path = join(dir, 'notify');
    execFileSync('mkfifo', [path]);
    // keepalived holds the FIFO open while it runs, so what it wrote waits in the pipe.
    const holder = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    writeSync(holder, 'INSTANCE "VI_1" MASTER 100\n');
    fifo = new FifoLineSource(path, new ExecaRunner({ timeoutMs: 5000 }), () => undefined);
    const lines: string[] = [];
    fifo.onLine((l) => lines.push(l));
    assert.deepEqual(await fifo.open(), ['INSTANCE "VI_1" MASTER 100']);
    closeSync(holder);

    // keepalived stops (removes its FIFO), starts again (a new one) and writes before we reopen.
    rmSync(path);
    execFileSync('mkfifo', [path]);
    const again = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    writeSync(again, 'INSTANCE "VI_1" BACKUP 100\n');
    await fifo.check();
    assert.deepEqual(lines, ['INSTANCE "VI_1" BACKUP 100']);
    closeSync(again);
  });

  it('refuses a path that is not a FIFO', async () => {
    const path = join(dir, 'plain');
    writeFileSync(path, '');
    fifo = new FifoLineSource(path, new ExecaRunner({ timeoutMs: 5000 }), () => undefined);
    await assert.rejects(fifo.open(), { code: 'E_CONFIG', message: /is not a FIFO/ });
  });
});
