import assert from 'node:assert/strict';
import { WanwatchError, type ActivateContext, type SwitchReason, type Uplink } from '@wanwatch/core';
import { ipIn, type Lab } from '@wanwatch/netlab';
import { CommandError, LinuxAdapter, type LinuxAdapterOptions } from '../../src/index.js';
import { adapterLab, defaultRoutes, inLab, Notes, uplinkOf } from '../support/lab.js';

function context(
  previous: Uplink | null,
  reason: SwitchReason,
  signal = new AbortController().signal,
): ActivateContext {
  return { previous, reason, signal };
}

/** The main table's default routes at wanwatch's metric, as `family gateway dev`. */
async function ours(lab: Lab): Promise<string[]> {
  const list: string[] = [];
  for (const family of [4, 6] as const)
    for (const r of await defaultRoutes(lab, family))
      if (r.metric === 10) list.push(`${family} ${r.gateway ?? '-'} ${r.dev}`);
  return list;
}

/** Asserts that `work` rejects with E_ACTIVATE_FAILED whose message matches `why`; returns the error. */
async function failsWith(work: Promise<unknown>, why: RegExp): Promise<WanwatchError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof WanwatchError, `not a WanwatchError: ${String(err)}`);
    assert.equal(err.code, 'E_ACTIVATE_FAILED', err.message);
    assert.match(err.message, why);
    return err;
  }
  assert.fail('it did not fail');
}

describe('linux adapter: failed activations leave the previous route, in the lab', function () {
  this.timeout(60_000);
  let lab: Lab;
  let wan1: Uplink;
  let wan2: Uplink;
  let notes: Notes;
  let initial: string[];
  const adapters: LinuxAdapter[] = [];

  function adapter(uplinks: Uplink[], more: LinuxAdapterOptions = {}): LinuxAdapter {
    const a = new LinuxAdapter(uplinks, inLab(lab, { logger: notes.logger, conntrack: 'off', ...more }));
    adapters.push(a);
    return a;
  }

  before(async () => {
    lab = await adapterLab(2);
    [wan1, wan2] = [uplinkOf(lab, 1), uplinkOf(lab, 2)];
  });
  beforeEach(async () => {
    notes = new Notes();
    await adapter([wan1, wan2]).activate(wan1, context(null, 'initial'));
    initial = await ours(lab);
    assert.deepEqual(initial, [`4 ${lab.uplink(1).gateway4} wan1`, `6 ${lab.uplink(1).gateway6} wan1`]);
  });
  afterEach(async () => {
    for (const a of adapters.splice(0)) await a.close();
  });
  after(async () => {
    await lab?.destroy();
  });

  it('fails on a gateway that is not on the link, naming the command and its stderr', async () => {
    const bad = { ...wan2, gateway: '100.64.9.1' };
    const err = await failsWith(
      adapter([wan1, bad]).activate(bad, context(wan1, 'failover')),
      /Nexthop has invalid gateway|unreachable/i,
    );
    assert.match(err.message, /ip -4 route replace default via 100\.64\.9\.1 dev wan2 metric 10/);
    assert.ok(err.cause instanceof CommandError && err.cause.stderr.length > 0);
    assert.deepEqual(await ours(lab), initial);
  });

  it('fails on a device that does not exist', async () => {
    const gone = { ...wan2, id: 'wan7', interface: 'wan7' };
    await failsWith(adapter([wan1, gone]).activate(gone, context(wan1, 'failover')), /Cannot find device "wan7"/);
    assert.deepEqual(await ours(lab), initial);
  });

  it('fails when a command hangs past its time limit', async () => {
    // Every `route replace` sleeps first; reading works.
    const slow = [
      'sh',
      '-c',
      'case "$*" in *replace*) sleep 3;; esac; exec "$@"',
      'sh',
      'ip',
      'netns',
      'exec',
      lab.ns.router,
    ];
    const a = adapter([wan1, wan2], { commandPrefix: slow, commandTimeoutMs: 300 });
    const started = performance.now();
    await failsWith(a.activate(wan2, context(wan1, 'failover')), /timed out after 300 ms/);
    assert.ok(performance.now() - started < 2000);
    assert.deepEqual(await ours(lab), initial);
  });

  it('stops when the engine aborts the activation', async () => {
    const abort = new AbortController();
    abort.abort();
    await failsWith(adapter([wan1, wan2]).activate(wan2, context(wan1, 'failover', abort.signal)), /aborted/);
    assert.deepEqual(await ours(lab), initial);
  });

  it('puts IPv4 back when IPv6 cannot follow and the uplink left still works (failback, manual)', async () => {
    const half = { ...wan2, gateway6: '2001:db8:99::1' }; // not on any link
    const err = await failsWith(
      adapter([wan1, half]).activate(half, context(wan1, 'manual')),
      /IPv6 default route could not move.*IPv4 put back/,
    );
    assert.match(err.message, /ip -6 route replace default via 2001:db8:99::1 dev wan2 metric 10/);
    assert.deepEqual(await ours(lab), initial);
  });

  it('keeps IPv4 on the new uplink when IPv6 cannot follow in a failover, and warns', async () => {
    const half = { ...wan2, gateway6: '2001:db8:99::1' };
    await adapter([wan1, half]).activate(half, context(wan1, 'failover'));
    assert.deepEqual(await ours(lab), [`4 ${lab.uplink(2).gateway4} wan2`, `6 ${lab.uplink(1).gateway6} wan1`]);
    assert.ok(
      notes.warnings.some((w) => /carries IPv4, but the IPv6 default route could not move/.test(w)),
      notes.warnings.join('\n'),
    );
  });

  it('refuses to switch under a foreign default route with a lower metric on another device', async () => {
    await ipIn(lab.ns.router, [
      '-4',
      'route',
      'add',
      'default',
      'via',
      lab.uplink(1).gateway4,
      'dev',
      'wan1',
      'metric',
      '5',
    ]);
    try {
      await failsWith(
        adapter([wan1, wan2]).activate(wan2, context(wan1, 'failover')),
        /metric 5.*wins over wanwatch's metric 10/,
      );
      assert.deepEqual(await ours(lab), initial);
    } finally {
      await ipIn(lab.ns.router, ['-4', 'route', 'del', 'default', 'metric', '5']);
    }
  });

  it('fails for an auto gateway that nothing has announced', async () => {
    const lost = { ...uplinkOf(lab, 2, 'auto'), id: 'lost' };
    await ipIn(lab.ns.router, ['-4', 'route', 'flush', 'table', '200']);
    await failsWith(adapter([wan1, lost]).activate(lost, context(wan1, 'failover')), /no IPv4 gateway known/);
    assert.deepEqual(await ours(lab), initial);
  });

  it('routes straight out of a point-to-point device that has no gateway', async () => {
    await ipIn(lab.ns.router, ['tuntap', 'add', 'dev', 'wwan0', 'mode', 'tun']);
    try {
      await ipIn(lab.ns.router, ['link', 'set', 'wwan0', 'up']);
      const modem: Uplink = { id: 'lte', priority: 30, interface: 'wwan0', targets: [] };
      await adapter([wan1, modem]).activate(modem, context(wan1, 'failover'));
      assert.deepEqual(await ours(lab), [`4 - wwan0`, `6 ${lab.uplink(1).gateway6} wan1`]);
      assert.ok(notes.infos.some((m) => /lte has no IPv6 gateway/.test(m)));
    } finally {
      await ipIn(lab.ns.router, ['link', 'del', 'wwan0'], { allowFailure: true });
    }
  });

  it('refuses uplinks it was not given, and everything after close()', async () => {
    const a = adapter([wan1]);
    await assert.rejects(a.activate(wan2, context(wan1, 'manual')), { code: 'E_UNKNOWN_UPLINK' });
    await a.close();
    await assert.rejects(a.prepareProbing(wan1), { code: 'E_STOPPED' });
  });
});
