/**
 * The FreeBSD pieces on their own: the ping arguments and the reading of
 * FreeBSD 14's ping and ifconfig output, and the cached ifconfig reader.
 *
 * Output samples: FreeBSD's own ping tests (freebsd/freebsd-src
 * sbin/ping/tests/test_ping.py, which redacts the figures; the figures here
 * are ours) and sbin/ping/ping.c (`err(1, "bind")`, `err(1, "connect")`,
 * `warn("sendto")` with FreeBSD's strerror wording); ifconfig lines as
 * FreeBSD 14 prints them (the `flags=…<…>` line, `status: active|no carrier`;
 * the same lines packages/opnsense/test/emulation/fakebsd.js prints).
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { IfconfigLinks, readIfconfig, type IfconfigRun } from '../src/freebsd/links.js';
import { freebsdPingArgs, readFreebsdPing } from '../src/icmp/freebsd-ping.js';
import { probeSystemFor } from '../src/system.js';

const shape = { payloadBytes: 56, ttl: 64 };

describe('FreeBSD ping', () => {
  it('sends one echo request from the uplink’s address, with the wait in ms, payload and TTL asked', () => {
    const args = freebsdPingArgs(
      { address: '192.0.2.10', family: 4, device: 'igb1', ifindex: 0, source: '198.51.100.2' },
      750,
      shape,
    );
    assert.deepEqual(args, [
      '-4',
      '-n',
      '-q',
      '-c',
      '1',
      '-W',
      '750',
      '-s',
      '56',
      '-m',
      '64',
      '-S',
      '198.51.100.2',
      '192.0.2.10',
    ]);
  });

  it('uses -6 and the hop limit for IPv6, and never the Linux device flag', () => {
    const args = freebsdPingArgs(
      { address: 'fe80::1%igb1', family: 6, device: 'igb1', ifindex: 2, source: 'fe80::2%igb1' },
      1000,
      { payloadBytes: 8, ttl: 32 },
    );
    assert.deepEqual(args, [
      '-6',
      '-n',
      '-q',
      '-c',
      '1',
      '-W',
      '1000',
      '-s',
      '8',
      '-m',
      '32',
      '-S',
      'fe80::2%igb1',
      'fe80::1%igb1',
    ]);
    assert.ok(!args.includes('-I'));
  });

  it('binds to nothing for the default path', () => {
    const args = freebsdPingArgs(
      { address: '192.0.2.1', family: 4, device: null, ifindex: 0, source: undefined },
      1000,
      shape,
    );
    assert.ok(!args.includes('-S') && !args.includes('-I'), args.join(' '));
  });

  it('reads the RTT from the IPv4 and IPv6 summary lines', () => {
    const v4 = [
      'PING 192.0.2.10 (192.0.2.10) from 198.51.100.2: 56 data bytes',
      '',
      '--- 192.0.2.10 ping statistics ---',
      '1 packets transmitted, 1 packets received, 0.0% packet loss',
      'round-trip min/avg/max/stddev = 0.262/0.262/0.262/0.000 ms',
      '',
    ].join('\n');
    assert.deepEqual(readFreebsdPing(0, v4, '', 9), { ok: true, rttMs: 0.262 });
    const v6 = [
      'PING6(104=40+8+56 bytes) 2001:db8:1::2 --> 2001:db8::10',
      '',
      '--- 2001:db8::10 ping6 statistics ---',
      '1 packets transmitted, 1 packets received, 0.0% packet loss',
      'round-trip min/avg/max/std-dev = 12.481/12.481/12.481/0.000 ms',
      '',
    ].join('\n');
    assert.deepEqual(readFreebsdPing(0, v6, '', 20), { ok: true, rttMs: 12.481 });
  });

  it('names a silent target, an ICMP error and the errors ping prints', () => {
    const silent = [
      'PING 192.0.2.2 (192.0.2.2): 56 data bytes',
      '',
      '--- 192.0.2.2 ping statistics ---',
      '1 packets transmitted, 0 packets received, 100.0% packet loss',
      '',
    ].join('\n');
    assert.deepEqual(readFreebsdPing(2, silent, '', 1000), { ok: false, reason: 'timeout', detail: 'timeout' });
    const unreachable = silent.replace('\n\n', '\n92 bytes from 192.0.2.2: Destination Host Unreachable\n\n');
    assert.deepEqual(readFreebsdPing(2, unreachable, '', 3), {
      ok: false,
      reason: 'unreachable',
      detail: 'EHOSTUNREACH: destination unreachable',
    });
    assert.deepEqual(readFreebsdPing(2, silent, 'ping: sendto: Network is down\n', 1000), {
      ok: false,
      reason: 'link-down',
      detail: 'ENETDOWN',
    });
    assert.deepEqual(readFreebsdPing(1, '', "ping: bind: Can't assign requested address\n", 1), {
      ok: false,
      reason: 'error',
      detail: 'EADDRNOTAVAIL',
    });
    assert.deepEqual(readFreebsdPing(1, '', 'ping: connect: Network is unreachable\n', 1), {
      ok: false,
      reason: 'unreachable',
      detail: 'ENETUNREACH',
    });
    assert.deepEqual(readFreebsdPing(2, silent, 'ping: sendto: Host is down\n', 1), {
      ok: false,
      reason: 'unreachable',
      detail: 'EHOSTDOWN',
    });
    assert.deepEqual(readFreebsdPing(64, '', "ping: invalid timing interval: `x'\n", 1), {
      ok: false,
      reason: 'error',
      detail: "ping: invalid timing interval: `x'",
    });
  });
});

describe('FreeBSD link state (ifconfig)', () => {
  const run = (stdout: string, exitCode = 0, stderr = ''): IfconfigRun => ({ exitCode, stdout, stderr });
  const active = [
    'igb1: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500',
    '\toptions=4e527bb<RXCSUM,TXCSUM,VLAN_MTU,VLAN_HWTAGGING,JUMBO_MTU,VLAN_HWCSUM,TSO4,TSO6,LRO>',
    '\tether 58:9c:fc:00:00:01',
    '\tinet 198.51.100.2 netmask 0xffffff00 broadcast 198.51.100.255',
    '\tinet6 fe80::5a9c:fcff:fe00:1%igb1 prefixlen 64 scopeid 0x2',
    '\tmedia: Ethernet autoselect (1000baseT <full-duplex>)',
    '\tstatus: active',
    '\tnd6 options=23<PERFORMNUD,ACCEPT_RTADV,AUTO_LINKLOCAL>',
    '',
  ].join('\n');

  it('reads up with carrier', () => {
    assert.deepEqual(readIfconfig('igb1', run(active)), { kind: 'device', up: true, running: true, carrier: true });
  });

  it('reads no carrier, although FreeBSD keeps RUNNING set without a cable', () => {
    const cable = active.replace('status: active', 'status: no carrier').replace('(1000baseT <full-duplex>)', '');
    assert.deepEqual(readIfconfig('igb1', run(cable)), { kind: 'device', up: true, running: true, carrier: false });
  });

  it('reads down (no UP flag) as down without carrier', () => {
    const down = active.replace('flags=1008843<UP,BROADCAST,RUNNING,', 'flags=1008802<BROADCAST,');
    assert.deepEqual(readIfconfig('igb1', run(down)), { kind: 'device', up: false, running: false, carrier: false });
  });

  it('reads a missing device, and an interface without a status line (pppoe) by its flags', () => {
    assert.deepEqual(readIfconfig('igb9', run('', 1, 'ifconfig: interface igb9 does not exist\n')), {
      kind: 'missing',
    });
    const pppoe =
      'pppoe0: flags=88d1<UP,POINTOPOINT,RUNNING,NOARP,SIMPLEX,MULTICAST> metric 0 mtu 1492\n\tinet 203.0.113.7 --> 203.0.113.1 netmask 0xffffffff\n';
    assert.deepEqual(readIfconfig('pppoe0', run(pppoe)), { kind: 'device', up: true, running: true, carrier: true });
    assert.equal(readIfconfig('igb1', run('', undefined, 'spawn /sbin/ifconfig ENOENT')).kind, 'unreadable');
    // Another device's lines are not this one's.
    assert.equal(readIfconfig('igb10', run(active)).kind, 'unreadable');
  });

  describe('cached reader', () => {
    let clock: sinon.SinonFakeTimers;
    beforeEach(() => {
      clock = sinon.useFakeTimers({ toFake: ['performance', 'Date'] });
    });
    afterEach(() => clock.restore());

    it('runs ifconfig once per device until its answer is older than maxAgeMs, then re-reads in the background', async () => {
      let stdout = active;
      const runner = sinon.stub().callsFake(async () => run(stdout));
      const interfaces = () => ({
        igb1: [
          {
            address: '198.51.100.2',
            family: 'IPv4' as const,
            netmask: '255.255.255.0',
            internal: false,
            mac: '',
            cidr: null,
          },
          {
            address: 'fe80::5a9c:fcff:fe00:1',
            family: 'IPv6' as const,
            netmask: 'ffff:ffff:ffff:ffff::',
            internal: false,
            mac: '',
            cidr: null,
            scopeid: 2,
          },
        ],
      });
      const links = new IfconfigLinks({ run: runner, maxAgeMs: 1000, interfaces });
      const first = links.ready('igb1');
      assert.ok(first, 'the first probe of a device waits for its first answer');
      assert.equal(links.ready('igb1'), first, 'one run at a time');
      await first;
      assert.equal(links.ready('igb1'), null);
      assert.deepEqual(links.read('igb1'), {
        exists: true,
        ifindex: 2,
        up: true,
        carrier: true,
        addresses: { 4: ['198.51.100.2'], 6: ['fe80::5a9c:fcff:fe00:1%igb1'] },
      });
      for (let k = 0; k < 50; k++) links.read('igb1');
      assert.equal(runner.callCount, 1, 'no run per read');

      stdout = active.replace('status: active', 'status: no carrier');
      clock.tick(1001);
      assert.equal(links.read('igb1').carrier, true, 'the stale answer is used while the new one is read');
      links.read('igb1');
      assert.equal(runner.callCount, 2, 'one background run');
      await Promise.resolve();
      await Promise.resolve();
      await Promise.resolve();
      assert.equal(links.read('igb1').carrier, false);
      assert.equal(runner.callCount, 2);
    });

    it('counts a device as missing until ifconfig says otherwise, and keeps a real answer over a failed run', async () => {
      let answer = run('', 1, 'ifconfig: interface igb2 does not exist\n');
      const warnings: string[] = [];
      const links = new IfconfigLinks({
        run: async () => answer,
        maxAgeMs: 10,
        interfaces: () => ({}),
        warn: (m) => warnings.push(m),
      });
      await links.ready('igb2');
      assert.equal(links.read('igb2').exists, false);
      answer = run(active.replaceAll('igb1', 'igb2'));
      clock.tick(11);
      links.read('igb2');
      await links.ready('igb2'); // already known: null, the background run settles below
      for (let k = 0; k < 4; k++) await Promise.resolve();
      assert.equal(links.read('igb2').exists, true);
      answer = run('', undefined, '/sbin/ifconfig igb2: timed out');
      clock.tick(11);
      links.read('igb2');
      for (let k = 0; k < 4; k++) await Promise.resolve();
      assert.equal(links.read('igb2').exists, true, 'a timed-out run does not make the device vanish');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /cannot read igb2 with ifconfig/);
    });
  });
});

describe('probe system', () => {
  it('is freebsd on FreeBSD and linux everywhere else', () => {
    assert.equal(probeSystemFor('freebsd'), 'freebsd');
    assert.equal(probeSystemFor('linux'), 'linux');
    assert.equal(probeSystemFor('darwin'), 'linux');
  });
});
