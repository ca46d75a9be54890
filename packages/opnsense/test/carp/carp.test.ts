/**
 * CARP: the syshook script (run by /bin/sh as rc.syshook would), the role
 * source (kernel state at start-up, forwarded events, debounce, duplicates
 * and out-of-order events), and the HA singleton cycle MASTER → BACKUP →
 * MASTER with the engine, the adapter and the emulated box.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, type Role } from '@wanwatch/core';
import { CarpRoleSource, installSyshook, type OpnsenseAdapter } from '../../src/index.js';
import type { FakeBsd } from '../emulation/fake-bsd.js';
import { adapterOn, bootWith, BoxProbe, newBox, UPLINKS } from '../support/box.js';

const FAKE_NC = fileURLToPath(new URL('../emulation/fake-nc.js', import.meta.url));

interface Hook {
  dir: string;
  file: string;
  socket: string;
  stateDir: string;
  /** Runs the hook as rc.syshook does: `<file> <vhid>@<dev> <TYPE>`. */
  fire(...args: string[]): Promise<{ code: number; stderr: string }>;
}

async function newHook(): Promise<Hook> {
  const dir = mkdtempSync(join(tmpdir(), 'wanwatch-carp-'));
  const socket = join(dir, 'carp.sock');
  const stateDir = join(dir, 'state');
  const file = await installSyshook({ dir: join(dir, 'rc.syshook.d', 'carp'), socket, stateDir, nc: FAKE_NC });
  const fire = (...args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('/bin/sh', [file, ...args], { timeout: 10_000 }, (err, _out, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
      );
    });
  return { dir, file, socket, stateDir, fire };
}

const setCarp = (box: FakeBsd, state: 'MASTER' | 'BACKUP' | 'INIT', vhid = 1) =>
  box.update((s) => {
    for (const c of s.interfaces.vtnet0!.carp ?? []) if (c.vhid === vhid) c.state = state;
  });

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('CARP: syshook, role source and the HA singleton (emulated box)', function () {
  this.timeout(30_000);
  let box: FakeBsd & { configXml: string };
  let hook: Hook;
  let roles: CarpRoleSource | undefined;
  const warnings: string[] = [];

  beforeEach(async () => {
    warnings.length = 0;
    box = newBox();
    hook = await newHook();
  });
  afterEach(() => {
    roles?.close();
    roles = undefined;
    box.dispose();
    rmSync(hook.dir, { recursive: true, force: true });
  });

  const newRoles = (vhid: string | null = '1@vtnet0') =>
    (roles = new CarpRoleSource({
      vhid,
      socket: hook.socket,
      stateDir: hook.stateDir,
      debounceMs: 150,
      commandPath: [box.bin],
      logger: { warn: (m) => warnings.push(m) },
    }));

  it('installs a hook that refuses bad arguments and leaves the state when no agent listens', async () => {
    assert.match(readFileSync(hook.file, 'utf8'), /^#!\/bin\/sh/);
    for (const bad of [['1@vtnet0'], ['1@vtnet0', 'PRIMARY'], ['vtnet0', 'MASTER'], ['1@vt;net0', 'MASTER']]) {
      const r = await hook.fire(...bad);
      assert.equal(r.code, 1, bad.join(' '));
      assert.match(r.stderr, /wanwatch: (bad CARP|expected 2)/);
    }
    const r = await hook.fire('1@vtnet0', 'BACKUP');
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(hook.stateDir, '1@vtnet0'), 'utf8'), /^BACKUP \d+\n$/);
  });

  it('reads the role from ifconfig at start-up, and from the state files when ifconfig fails', async () => {
    assert.equal(await newRoles().current(), 'master');
    roles!.close();
    box.fault('ifconfig', { exit: 1, stderr: 'ifconfig: broken' });
    await hook.fire('1@vtnet0', 'BACKUP');
    assert.equal(await newRoles().current(), 'backup');
  });

  it('stays backup, loudly, when the decisive vhid is not configured (never two masters)', async () => {
    assert.equal(await newRoles('7').current(), 'backup');
    assert.ok(warnings.some((w) => /CARP vhid 7 is not configured on this box; staying backup/.test(w)));
  });

  it('warns once about net.pfsync.carp_demotion_factor when it is not 0', async () => {
    box.update((s) => (s.sysctl['net.pfsync.carp_demotion_factor'] = '240'));
    await newRoles().current();
    await roles!.current();
    assert.equal(warnings.filter((w) => /carp_demotion_factor is 240/.test(w)).length, 1);
  });

  it('follows forwarded events once per change: duplicates, bursts and stale events do not flip the role', async () => {
    const seen: Role[] = [];
    newRoles(null).subscribe((r) => seen.push(r));
    await roles!.current();
    await until('the socket', () => existsSync(hook.socket), 5_000);
    // A transition to BACKUP arrives twice, plus the event of another vhid in the same burst.
    setCarp(box, 'BACKUP');
    await Promise.all([
      hook.fire('1@vtnet0', 'BACKUP'),
      hook.fire('1@vtnet0', 'BACKUP'),
      hook.fire('2@vtnet0', 'INIT'),
    ]);
    await until('backup', () => seen.length === 1, 5_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(seen, ['backup']);
    // Back to MASTER; a stale BACKUP event arrives after the MASTER one: the kernel says MASTER.
    setCarp(box, 'MASTER');
    await hook.fire('1@vtnet0', 'MASTER');
    await hook.fire('1@vtnet0', 'BACKUP');
    await until('master', () => seen.length === 2, 5_000);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(seen, ['backup', 'master']);
  });

  it('an agent started on the backup keeps every WAN down and routes via the peer', async () => {
    bootWith(box, 'vtnet1', 'wan'); // as a box left it when it lost the master role while the agent was down
    setCarp(box, 'BACKUP');
    const { adapter } = adapterOn(box, { peer4: '192.0.2.3', peer6: '2001:db8:c::3' });
    const engine = new Engine({ uplinks: UPLINKS, adapter, probe: new BoxProbe(box), roleSource: newRoles() });
    await engine.start();
    try {
      assert.equal(engine.status().role, 'backup');
      assert.equal(engine.status().active, null);
      const s = box.state();
      assert.deepEqual(s.interfaces.vtnet1!.ipv4, []);
      assert.deepEqual(s.routes.inet, { gateway: '192.0.2.3', interface: 'vtnet0' });
      assert.equal(box.lines(/linkup start/).length, 0);
    } finally {
      await engine.stop();
    }
  });

  describe('the HA singleton with the engine', () => {
    let adapter: OpnsenseAdapter;
    let engine: Engine;

    beforeEach(async () => {
      bootWith(box, 'vtnet1', 'wan');
      ({ adapter } = adapterOn(box, { peer4: '192.0.2.3', peer6: '2001:db8:c::3' }));
      engine = new Engine({
        uplinks: UPLINKS,
        adapter,
        probe: new BoxProbe(box),
        roleSource: newRoles(),
        settings: {
          probe: { intervalMs: 50, failureIntervalMs: 50, recoveryIntervalMs: 50, timeoutMs: 100, minTimeoutMs: 50 },
          health: { down: 2, up: 2 },
          failback: { minDwellMs: 0 },
          switch: { startupGraceMs: 0 },
        },
      });
      await engine.start();
      await until('the socket', () => existsSync(hook.socket), 5_000);
    });
    afterEach(async () => {
      await engine.stop();
    });

    it('as BACKUP takes every WAN down and routes via the peer; as MASTER brings the preferred WAN back', async () => {
      assert.equal(engine.status().role, 'master');
      assert.equal(engine.status().active, 'fiber');
      for (let cycle = 0; cycle < 2; cycle++) {
        box.clearCalls();
        setCarp(box, 'BACKUP');
        await hook.fire('1@vtnet0', 'BACKUP');
        await until('backup', () => engine.status().role === 'backup' && !engine.status().busy, 10_000);
        let s = box.state();
        assert.deepEqual(s.routes.inet, { gateway: '192.0.2.3', interface: 'vtnet0' });
        assert.deepEqual(s.routes.inet6, { gateway: '2001:db8:c::3', interface: 'vtnet0' });
        assert.deepEqual(s.interfaces.vtnet1!.ipv4, []);
        assert.deepEqual(s.interfaces.vtnet2!.ipv4, []);
        assert.ok(box.lines(/linkup stop vtnet1/).length === 1 && box.lines(/linkup stop vtnet2/).length === 1);
        assert.equal(engine.status().active, null);

        box.clearCalls();
        setCarp(box, 'MASTER');
        await hook.fire('1@vtnet0', 'MASTER');
        await until('master on fiber', () => engine.status().active === 'fiber' && !engine.status().busy, 10_000);
        s = box.state();
        assert.deepEqual(s.routes.inet, { gateway: '198.51.100.1', interface: 'vtnet1' });
        assert.equal(s.routes.inet6?.interface, 'vtnet1');
        const changes = box.changes();
        assert.equal(changes[0], 'configctl interface update carp service_status');
        // The peer routes go before the WAN comes up: no "route already in table".
        assert.ok(
          changes.indexOf('route -n delete -inet default') < changes.indexOf('configctl interface linkup start vtnet1'),
          changes.join('\n'),
        );
        assert.ok(!box.lines().some((l) => /route -n add .* default/.test(l) && /already/.test(l)));
      }
    });
  });
});
