import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LinkMonitor, type MonitorProcess, type MonitorSink } from '../../src/monitor/link-monitor.js';

/** A monitor process the test drives. */
class FakeChild implements MonitorProcess {
  private lineListener: (line: string) => void = () => undefined;
  private exitListener: (why: string) => void = () => undefined;
  killed = false;
  onLine(listener: (line: string) => void): void {
    this.lineListener = listener;
  }
  onExit(listener: (why: string) => void): void {
    this.exitListener = listener;
  }
  kill(): void {
    this.killed = true;
  }
  print(line: string): void {
    this.lineListener(line);
  }
  die(why = 'exited with code 1'): void {
    this.exitListener(why);
  }
}

describe('link monitor restarts', () => {
  let clock: sinon.SinonFakeTimers;
  let children: FakeChild[];
  let lines: string[];
  let starts: boolean[];
  let deaths: number[];
  let monitor: LinkMonitor;

  beforeEach(() => {
    clock = sinon.useFakeTimers();
    children = [];
    lines = [];
    starts = [];
    deaths = [];
    const sink: MonitorSink = {
      line: (l) => lines.push(l),
      started: (restart) => starts.push(restart),
      died: (_why, delayMs) => deaths.push(delayMs),
    };
    monitor = new LinkMonitor(['ip', '-o', 'monitor', 'link'], sink, () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    });
  });
  afterEach(() => {
    monitor.stop();
    clock.restore();
  });

  it('restarts a child that dies after 100 ms, then doubling, up to 10 s', () => {
    monitor.start();
    for (let k = 0; k < 9; k++) {
      children.at(-1)!.die();
      clock.tick(deaths.at(-1)!);
    }
    assert.deepEqual(deaths, [100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
    assert.equal(children.length, 10);
    assert.deepEqual(starts, [false, true, true, true, true, true, true, true, true, true]);
  });

  it('waits the whole back-off before starting again', () => {
    monitor.start();
    children[0]!.die();
    clock.tick(99);
    assert.equal(children.length, 1);
    clock.tick(1);
    assert.equal(children.length, 2);
  });

  it('starts the back-off over after a child lived 30 s', () => {
    monitor.start();
    children[0]!.die();
    clock.tick(100);
    children[1]!.die();
    clock.tick(200);
    clock.tick(30_000);
    children[2]!.die();
    assert.deepEqual(deaths, [100, 200, 100]);
  });

  it('passes lines of the running child only', () => {
    monitor.start();
    const first = children[0]!;
    first.print('3: wan1: <UP,LOWER_UP>');
    first.die();
    first.print('late line of a dead child');
    clock.tick(100);
    children[1]!.print('3: wan1: <UP>');
    assert.deepEqual(lines, ['3: wan1: <UP,LOWER_UP>', '3: wan1: <UP>']);
  });

  it('stops for good: kills the child, cancels a pending restart, ignores a late exit', () => {
    monitor.start();
    children[0]!.die();
    monitor.stop();
    clock.tick(60_000);
    assert.equal(children.length, 1);
    const other = new LinkMonitor(
      ['ip'],
      { line: () => undefined, started: () => undefined, died: () => assert.fail() },
      () => {
        const c = new FakeChild();
        children.push(c);
        return c;
      },
    );
    other.start();
    other.stop();
    assert.equal(children.at(-1)!.killed, true);
    children.at(-1)!.die();
    assert.equal(other.running, false);
  });

  it('treats a child that cannot be spawned like one that died', () => {
    let fail = true;
    const m = new LinkMonitor(
      ['ip'],
      { line: () => undefined, started: () => undefined, died: (_w, d) => deaths.push(d) },
      () => {
        if (fail) throw new Error('spawn ENOENT');
        const c = new FakeChild();
        children.push(c);
        return c;
      },
    );
    m.start();
    fail = false;
    clock.tick(100);
    assert.equal(m.running, true);
    assert.deepEqual(deaths, [100]);
    m.stop();
  });

  it('takes its restart back-off from the clock it is given, not the process timers', () => {
    const timers: { at: number; fn: () => void }[] = [];
    let now = 0;
    const manual = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => {
        const t = { at: now + ms, fn };
        timers.push(t);
        return t;
      },
      clearTimeout: (t: object) => void timers.splice(timers.indexOf(t as (typeof timers)[number]), 1),
    };
    const m = new LinkMonitor(
      ['ip'],
      { line: () => undefined, started: () => undefined, died: (_w, d) => deaths.push(d) },
      () => {
        const c = new FakeChild();
        children.push(c);
        return c;
      },
      undefined,
      manual,
    );
    m.start();
    children.at(-1)!.die();
    clock.tick(60_000);
    assert.equal(children.length, 1, 'the process timers do not restart it');
    now = timers[0]!.at;
    timers.shift()!.fn();
    assert.equal(children.length, 2, 'its own clock does');
    m.stop();
  });
});
