import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import type { Role } from '@wanwatch/core';
import type { CommandRunner } from '@wanwatch/exec';
import type { NotifyLineSource } from '../../src/ha/fifo.js';
import { KeepalivedRoleSource, type KeepalivedRoleOptions } from '../../src/ha/keepalived-role.js';

/** A FIFO stand-in: lines waiting at open, lines pushed later. */
class FakeSource implements NotifyLineSource {
  listener: (line: string) => void = () => undefined;
  checks = 0;
  closed = false;
  constructor(private readonly waiting: string[] = []) {}
  open = () => Promise.resolve(this.waiting);
  onLine(l: (line: string) => void) {
    this.listener = l;
  }
  check() {
    this.checks++;
    return Promise.resolve();
  }
  close() {
    this.closed = true;
  }
  push(line: string) {
    this.listener(line);
  }
}

/** `ip -json addr` with the given addresses on lan0. */
const addrRunner = (addresses: string[]): CommandRunner => ({
  run: () =>
    Promise.resolve({
      exitCode: 0,
      stderr: '',
      stdout: JSON.stringify([
        {
          ifindex: 2,
          ifname: 'lan0',
          flags: ['UP'],
          link_type: 'ether',
          addr_info: addresses.map((a) => ({ family: a.includes(':') ? 'inet6' : 'inet', local: a, scope: 'global' })),
        },
      ]),
    }),
});

describe('the keepalived role source', () => {
  let clock: sinon.SinonFakeTimers;
  let dir: string;
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m) };
  let source: KeepalivedRoleSource | undefined;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'wanwatch-ka-'));
    warnings.length = 0;
  });
  afterEach(() => {
    source?.close();
    source = undefined;
    clock.restore();
    rmSync(dir, { recursive: true, force: true });
  });

  function make(fake: FakeSource, extra: Partial<KeepalivedRoleOptions> = {}) {
    source = new KeepalivedRoleSource({ fifo: '/unused', instance: 'VI_1', source: fake, logger, ...extra });
    const seen: Role[] = [];
    source.subscribe((r) => seen.push(r));
    return { source, seen };
  }

  it('starts as the last state of its instance already waiting in the FIFO (agent started after keepalived)', async () => {
    const fake = new FakeSource([
      'INSTANCE "VI_1" BACKUP 100',
      'INSTANCE "OTHER" BACKUP 50',
      'INSTANCE "VI_1" MASTER 100',
    ]);
    const { source } = make(fake);
    assert.equal(await source.current(), 'master');
  });

  it('falls back to the state file, then to holding the virtual address, then to backup with a warning', async () => {
    const stateFile = join(dir, 'state');
    writeFileSync(stateFile, 'INSTANCE VI_1 MASTER 150\n');
    assert.equal(await make(new FakeSource(), { stateFile }).source.current(), 'master');
    source!.close();

    const vip = { virtualAddresses: ['192.0.2.1'], stateFile: join(dir, 'missing') };
    assert.equal(
      await make(new FakeSource(), { ...vip, runner: addrRunner(['192.0.2.11', '192.0.2.1']) }).source.current(),
      'master',
    );
    source!.close();
    assert.equal(
      await make(new FakeSource(), { ...vip, runner: addrRunner(['192.0.2.11']) }).source.current(),
      'backup',
    );
    source!.close();

    assert.equal(warnings.length, 0);
    assert.equal(await make(new FakeSource()).source.current(), 'backup');
    assert.match(warnings.join('\n'), /not known yet/);
  });

  it('reports a change once it has held for the debounce time, and a burst as its last state only', async () => {
    const fake = new FakeSource(['INSTANCE "VI_1" BACKUP 100']);
    const { source, seen } = make(fake, { debounceMs: 200 });
    assert.equal(await source.current(), 'backup');
    fake.push('INSTANCE "VI_1" MASTER 100');
    await clock.tickAsync(199);
    assert.deepEqual(seen, []);
    await clock.tickAsync(1);
    assert.deepEqual(seen, ['master']);

    // keepalived flapping inside 200 ms: BACKUP, MASTER, FAULT → one change, to backup.
    fake.push('INSTANCE "VI_1" BACKUP 100');
    await clock.tickAsync(50);
    fake.push('INSTANCE "VI_1" MASTER 100');
    await clock.tickAsync(50);
    fake.push('INSTANCE "VI_1" FAULT 100');
    await clock.tickAsync(200);
    assert.deepEqual(seen, ['master', 'backup']);

    // A burst that ends where it began is no change at all.
    fake.push('INSTANCE "VI_1" MASTER 100');
    fake.push('INSTANCE "VI_1" BACKUP 100');
    await clock.tickAsync(500);
    assert.deepEqual(seen, ['master', 'backup']);
  });

  it('treats STOP as backup and ignores other instances and priority events', async () => {
    const fake = new FakeSource(['INSTANCE "VI_1" MASTER 100']);
    const { source, seen } = make(fake, { debounceMs: 10 });
    assert.equal(await source.current(), 'master');
    fake.push('INSTANCE "VI_2" BACKUP 100');
    fake.push('INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100');
    await clock.tickAsync(100);
    assert.deepEqual(seen, []);
    fake.push('INSTANCE "VI_1" STOP 100');
    await clock.tickAsync(10);
    assert.deepEqual(seen, ['backup']);
  });

  it('follows a sync group by its name', async () => {
    const fake = new FakeSource(['GROUP "LAN" MASTER 0']);
    const { source } = make(fake, { instance: 'LAN' });
    assert.equal(await source.current(), 'master');
  });

  it('becomes backup when keepalived died without a word, and checks the FIFO every watch interval', async () => {
    const pidFile = join(dir, 'keepalived.pid');
    writeFileSync(pidFile, '4242\n');
    let alive = true;
    const fake = new FakeSource(['INSTANCE "VI_1" MASTER 100']);
    const { source, seen } = make(fake, { pidFile, alive: () => alive, debounceMs: 100, watchIntervalMs: 1000 });
    assert.equal(await source.current(), 'master');
    await clock.tickAsync(3000);
    assert.deepEqual(seen, []);
    assert.ok(fake.checks >= 3, `${fake.checks} checks`);
    alive = false;
    await clock.tickAsync(1100);
    assert.deepEqual(seen, ['backup']);
    assert.match(warnings.join('\n'), /keepalived is not running/);
    // Restarted keepalived speaks again through the FIFO.
    alive = true;
    fake.push('INSTANCE "VI_1" MASTER 100');
    await clock.tickAsync(100);
    assert.deepEqual(seen, ['backup', 'master']);
  });

  it('stops its timers and the FIFO on close', async () => {
    const fake = new FakeSource([]);
    const { source, seen } = make(fake);
    await source.current();
    fake.push('INSTANCE "VI_1" MASTER 100');
    source.close();
    await clock.tickAsync(5000);
    assert.deepEqual(seen, []);
    assert.equal(fake.closed, true);
    assert.equal(clock.countTimers(), 0);
  });
});
