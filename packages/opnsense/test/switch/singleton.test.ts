/**
 * Singleton mode against the emulated box: the exact configctl sequence,
 * the end state, newip when the route does not follow the lease, the IPv6
 * services in order, and failures (non-zero exit, timeout, configd
 * refusal, no lease) rolled back with a clear error.
 */
import assert from 'node:assert/strict';
import { ConfigctlError, OpnsenseSwitchError, type OpnsenseAdapter } from '../../src/index.js';
import type { FakeBsd } from '../emulation/fake-bsd.js';
import { adapterOn, bootWith, FIBER, LTE, newBox, type Logged, ctx } from '../support/box.js';

describe('OPNsense singleton mode (emulated box)', function () {
  this.timeout(20_000);
  let box: FakeBsd & { configXml: string };
  let adapter: OpnsenseAdapter;
  let log: Logged;

  beforeEach(() => {
    box = newBox();
    bootWith(box, 'vtnet1', 'wan');
    ({ adapter, log } = adapterOn(box));
  });
  afterEach(async () => {
    await adapter.close();
    box.dispose();
  });

  it('reads the interface map from configctl and config.xml, and finds the active WAN by its default route', async () => {
    assert.deepEqual(
      (await adapter.interfaceMap()).map((w) => `${w.uplink}=${w.device}/${w.name}`),
      ['fiber=vtnet1/wan', 'lte=vtnet2/opt1'],
    );
    assert.equal(await adapter.discover([FIBER, LTE]), 'fiber');
  });

  it('fails over: linkup start <dev>, reconfigure <name>, then releases the old WAN and restarts IPv6 in order', async () => {
    await adapter.activate(LTE, ctx(FIBER));
    assert.deepEqual(box.changes(), [
      'configctl interface linkup start vtnet2',
      'configctl interface reconfigure opt1',
      'configctl interface linkup stop vtnet1',
      'pkill -F /var/run/rtsold.pid',
      'rtsold -aiu -p /var/run/rtsold.pid -A /usr/local/opnsense/scripts/interfaces/rtsold_script.sh -R /usr/local/opnsense/scripts/interfaces/rtsold_resolvconf.sh',
      'rtsold_script.sh vtnet2',
      'configctl radvd restart',
    ]);
    const s = box.state();
    assert.deepEqual(s.routes.inet, { gateway: '203.0.113.1', interface: 'vtnet2' });
    assert.deepEqual(s.routes.inet6, { gateway: 'fe80::1%vtnet2', interface: 'vtnet2' });
    assert.deepEqual(s.interfaces.vtnet1!.ipv4, [], 'the old WAN is dark');
    assert.equal(s.services.dhcp6c && s.services.rtsold && s.services.radvd, true);
    assert.deepEqual(log.warnings, []);
    assert.equal(adapter.lastActivation?.newip, false);
    assert.equal(await adapter.discover([FIBER, LTE]), 'lte');
  });

  it('runs newip <dev> force when the default route does not follow the lease', async () => {
    box.update((s) => (s.interfaces.vtnet2!.routeOn = 'newip'));
    await adapter.activate(LTE, ctx(FIBER));
    const changes = box.changes();
    assert.deepEqual(changes.slice(0, 3), [
      'configctl interface linkup start vtnet2',
      'configctl interface reconfigure opt1',
      'configctl interface newip vtnet2 force',
    ]);
    assert.equal(adapter.lastActivation?.newip, true);
    assert.equal(box.state().routes.inet?.interface, 'vtnet2');
  });

  it('sets the default route itself when even newip does not, from the gateway OPNsense recorded', async () => {
    box.update((s) => (s.interfaces.vtnet2!.routeOn = 'never'));
    await adapter.activate(LTE, ctx(FIBER));
    assert.ok(box.changes().includes('route -n add -inet default 203.0.113.1'), box.changes().join('\n'));
    assert.equal(box.state().routes.inet?.interface, 'vtnet2');
    assert.ok(log.warnings.some((w) => /after newip/.test(w)));
  });

  it('rolls back and names the step when configctl exits non-zero; the old WAN keeps traffic', async () => {
    box.fault('configctl interface reconfigure opt1', { exit: 1, stderr: 'configd: connection refused' });
    const err = await adapter.activate(LTE, ctx(FIBER)).then(
      () => assert.fail('activated'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof OpnsenseSwitchError);
    assert.equal(err.step, 'reconfigure');
    assert.equal(err.rolledBack, true);
    assert.equal(err.code, 'E_ACTIVATE_FAILED');
    assert.match(err.message, /configd: connection refused/);
    assert.deepEqual(box.changes(), [
      'configctl interface linkup start vtnet2',
      'configctl interface reconfigure opt1',
      'configctl interface linkup stop vtnet2',
    ]);
    const s = box.state();
    assert.deepEqual(s.routes.inet, { gateway: '198.51.100.1', interface: 'vtnet1' });
    assert.equal(s.interfaces.vtnet1!.ipv4.length, 1);
  });

  it('rolls back when configctl hangs past its time limit', async () => {
    ({ adapter } = adapterOn(box, { commandTimeoutMs: 600 }));
    box.fault('configctl interface linkup start vtnet2', { exit: 0, stdout: 'OK\n', hangMs: 5_000 });
    const started = Date.now();
    const err = await adapter.activate(LTE, ctx(FIBER)).catch((e: unknown) => e);
    assert.ok(err instanceof OpnsenseSwitchError, String(err));
    assert.equal(err.step, 'linkup-start');
    assert.match(err.message, /timed out after 600 ms/);
    assert.ok(Date.now() - started < 3_000, `gave up after ${Date.now() - started} ms`);
    assert.equal(box.state().routes.inet?.interface, 'vtnet1');
  });

  it('treats configd refusing the action as a failure although configctl exits 0', async () => {
    box.fault('configctl interface reconfigure', { exit: 0, stdout: 'Action not allowed or missing\n' });
    const err = await adapter.activate(LTE, ctx(FIBER)).catch((e: unknown) => e);
    assert.ok(err instanceof OpnsenseSwitchError);
    assert.ok(err.cause instanceof ConfigctlError);
    assert.match(err.message, /Action not allowed or missing/);
    assert.equal(box.state().routes.inet?.interface, 'vtnet1');
  });

  it('gives up within the address time limit when no lease comes, and takes the WAN down again', async () => {
    ({ adapter } = adapterOn(box, { addressTimeoutMs: 1_000 }));
    box.update((s) => delete s.interfaces.vtnet2!.lease4);
    const err = await adapter.activate(LTE, ctx(FIBER)).catch((e: unknown) => e);
    assert.ok(err instanceof OpnsenseSwitchError);
    assert.equal(err.step, 'address');
    assert.match(err.message, /an IPv4 address on vtnet2 did not finish within 1000 ms/);
    assert.equal(box.lines().at(-1), 'configctl interface linkup stop vtnet2');
  });

  it('with a release delay, releases the previous WAN later, and never the one a newer switch brought back', async () => {
    ({ adapter } = adapterOn(box, { releaseDelayMs: 600, ipv6Restart: false }));
    await adapter.activate(LTE, ctx(FIBER));
    assert.equal(box.state().interfaces.vtnet1!.ipv4.length, 1, 'fiber still up right after the switch');
    await adapter.activate(FIBER, ctx(LTE)); // back before the release was due
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(box.lines(/linkup stop vtnet1/).length, 0, 'fiber was never released');
    assert.deepEqual(box.state().interfaces.vtnet2!.ipv4, [], 'lte released after the delay');
    assert.equal(box.state().routes.inet?.interface, 'vtnet1');
  });

  it('releases a pending WAN when closed, so that one WAN stays up', async () => {
    ({ adapter } = adapterOn(box, { releaseDelayMs: 60_000, ipv6Restart: false }));
    await adapter.activate(LTE, ctx(FIBER));
    await adapter.close();
    assert.deepEqual(box.state().interfaces.vtnet1!.ipv4, []);
    assert.equal(box.state().interfaces.vtnet2!.ipv4.length, 1);
  });

  it('still switches when the IPv6 services fail, and says so', async () => {
    box.fault('rtsold_script.sh', { exit: 1, stderr: 'dhcp6c: no config' });
    await adapter.activate(LTE, ctx(FIBER));
    assert.equal(box.state().routes.inet?.interface, 'vtnet2');
    assert.ok(
      log.warnings.some((w) => /starting dhcp6c: .*dhcp6c: no config/.test(w)),
      log.warnings.join('\n'),
    );
  });
});
