import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import type { Engine } from '@wanwatch/core';
import { followHealth, trackValue } from '../../src/ha/track-file.js';

type Status = ReturnType<Engine['status']>;
const status = (role: 'master' | 'backup', states: string[]) =>
  ({ role, uplinks: states.map((state, i) => ({ id: `u${i}`, state })) }) as unknown as Status;

/** Just enough of an engine: a status and the two events the coupling follows. */
class FakeEngine extends EventEmitter {
  current = status('master', ['up', 'up']);
  status() {
    return this.current;
  }
  set(next: Status) {
    this.current = next;
    this.emit('uplink:state');
  }
}

describe('health coupling through a keepalived track file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'wanwatch-track-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads 1 only when every uplink of this box is down', () => {
    assert.equal(trackValue(status('master', ['down', 'down']), 'unused'), 1);
    assert.equal(trackValue(status('master', ['down', 'up']), 'unused'), 0);
    assert.equal(trackValue(status('master', ['down', 'unknown']), 'unused'), 0);
    assert.equal(trackValue(status('backup', ['down', 'down']), 'unused'), 1);
  });

  it('is left as it was by a backup whose uplinks are down on purpose (backupMode down)', () => {
    assert.equal(trackValue(status('backup', ['down']), 'down'), null);
  });

  it('follows the engine: written at start, on every change, and no more once stopped', () => {
    const file = join(dir, 'track');
    const engine = new FakeEngine();
    const stop = followHealth(engine as unknown as Engine, file, 'down', () => undefined);
    const value = () => readFileSync(file, 'utf8');
    assert.equal(value(), '0\n');
    engine.set(status('master', ['down', 'down']));
    assert.equal(value(), '1\n');
    // Demoted: its uplinks go down on purpose; the file keeps saying what it measured as master.
    engine.set(status('backup', ['down', 'down']));
    assert.equal(value(), '1\n');
    engine.set(status('master', ['up', 'down']));
    assert.equal(value(), '0\n');
    stop();
    engine.set(status('master', ['down', 'down']));
    assert.equal(value(), '0\n');
  });

  it('reports a file it cannot write instead of throwing', () => {
    const warnings: string[] = [];
    followHealth(new FakeEngine() as unknown as Engine, join(dir, 'no', 'such', 'dir'), 'unused', (m) =>
      warnings.push(m),
    );
    assert.match(warnings.join(), /health coupling: writing .* failed/);
  });
});
