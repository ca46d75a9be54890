import assert from 'node:assert/strict';
import { Lab } from '@wanwatch/netlab';
import { pingArgs, readPing } from '../src/icmp/system-ping.js';
import { ProbeHost, rtts, uplinkOf } from './support/lab-probe.js';

describe('system ping backend', function () {
  this.timeout(30_000);

  describe('reading ping', () => {
    const shape = { payloadBytes: 56, ttl: 64 };
    it('sends one echo request out of the device, with the timeout, payload and TTL asked', () => {
      const args = pingArgs(
        { address: '2001:db8:d::10', family: 6, device: 'wan2', ifindex: 3, source: undefined },
        750,
        shape,
      );
      assert.deepEqual(args, [
        '-n',
        '-q',
        '-c',
        '1',
        '-W',
        '0.750',
        '-s',
        '56',
        '-t',
        '64',
        '-I',
        'wan2',
        '-6',
        '2001:db8:d::10',
      ]);
    });

    it('binds to nothing for the default path', () => {
      const args = pingArgs(
        { address: '192.0.2.1', family: 4, device: null, ifindex: 0, source: undefined },
        1000,
        shape,
      );
      assert.ok(!args.includes('-I'));
    });

    it('reads the RTT from the summary and names failures', () => {
      const out = 'rtt min/avg/max/mdev = 0.207/0.207/0.207/0.000 ms\n';
      assert.deepEqual(readPing(0, out, '', 5), { ok: true, rttMs: 0.207 });
      assert.deepEqual(readPing(1, '1 packets transmitted, 0 received', '', 1000), {
        ok: false,
        reason: 'timeout',
        detail: 'timeout',
      });
      assert.deepEqual(readPing(2, '', 'ping: connect: Network is unreachable\n', 1), {
        ok: false,
        reason: 'unreachable',
        detail: 'ENETUNREACH',
      });
      assert.deepEqual(readPing(2, '', 'ping: SO_BINDTODEVICE wan9: No such device\n', 1), {
        ok: false,
        reason: 'link-down',
        detail: 'ENODEV',
      });
      assert.deepEqual(readPing(2, '', 'ping: 192.0.2.300: Name or service not known\n', 1), {
        ok: false,
        reason: 'error',
        detail: 'ping: 192.0.2.300: Name or service not known',
      });
      assert.deepEqual(readPing(2, '', '', 1), { ok: false, reason: 'error', detail: 'ping: exit 2' });
    });
  });

  describe('in the lab, when the native addon cannot load', () => {
    let lab: Lab;
    let host: ProbeHost;
    before(async () => {
      lab = await Lab.create({ uplinks: 2, services: false });
      host = await ProbeHost.start(lab, { breakNative: true });
    });
    afterEach(() => lab.faults.clearAll());
    after(async () => {
      await host?.stop();
      await lab?.destroy();
    });

    it('falls back to the system ping by itself and logs why', async () => {
      assert.equal(await host.backend(), 'system-ping');
      const logs = await host.logs();
      const said = logs.filter((l) => l.includes('system ping'));
      assert.equal(said.length, 1, logs.join('\n'));
      assert.ok(said[0]!.startsWith('info: ') && said[0]!.includes('raw.node'), said[0]);
      assert.ok(!logs.some((l) => l.startsWith('warn: ')), logs.join('\n'));
    });

    for (const family of [4, 6] as const) {
      it(`probes out of the non-default uplink and sees it dead (IPv${family})`, async () => {
        const targets = family === 4 ? lab.targets4(2) : lab.targets6(2);
        const uplink = uplinkOf(lab, 2, family);
        const results = await host.sendMany(
          [...targets, 'gateway'].map((target) => ({ target, uplink, timeoutMs: 1000 })),
        );
        assert.deepEqual(
          results.map((r) => r.ok),
          [true, true, true],
        );
        assert.equal(rtts(results).length, 3);
        await lab.faults.upstreamBlackhole(2);
        assert.deepEqual(await host.send({ target: targets[0]!, uplink, timeoutMs: 300 }), {
          ok: false,
          reason: 'timeout',
          detail: 'timeout',
        });
        assert.equal((await host.send({ target: targets[0]!, uplink: uplinkOf(lab, 1, family) })).ok, true);
      });
    }

    it('reports carrier loss at once', async () => {
      await lab.faults.carrierLoss(2);
      const start = performance.now();
      const r = await host.send({ target: lab.targets4(1)[0]!, uplink: uplinkOf(lab, 2), timeoutMs: 2000 });
      // "lost carrier" when the device state was still cached as up and the ping was already running.
      assert.match(!r.ok ? r.detail : 'ok', /^ENETDOWN: wan2 (has no|lost) carrier$/);
      // At once means long before the 2 s timeout; the margin is for a loaded CI machine.
      assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
    });
  });
});
