/**
 * The FreeBSD path of createProbe end to end, on this Linux machine: the
 * probe runs the emulated FreeBSD `ifconfig` and `ping` of the OPNsense
 * tests (packages/opnsense/test/emulation/fakebsd.js, one JSON state for the
 * box), which accept only FreeBSD's syntax, refuse a `-S` address the box
 * does not own, and print FreeBSD 14's output. Plus: the Linux path still
 * binds the device.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import type { ProbeRequest, Uplink } from '@wanwatch/core';
import sinon from 'sinon';
import { FakeBsd, type FakeState } from '../../opnsense/test/emulation/fake-bsd.js';
import { createProbe, type WanwatchProbe } from '../src/index.js';
import type { NetPingModule, NetPingSession, RawSocketLike } from '../src/icmp/net-ping-types.js';

const uplink = (id: string, dev: string): Uplink => ({ id, interface: dev, priority: 1 }) as Uplink;
const req = (u: Uplink, target: string, timeoutMs = 1000, path: 'uplink' | 'default' = 'uplink'): ProbeRequest => ({
  uplink: u,
  target,
  timeoutMs,
  path,
});

/** The box: igb1 healthy (IPv4 + IPv6), igb2 without carrier, igb3 down, igb4 IPv4 only. */
function boxState(): FakeState {
  const wan = (name: string, v4: string, v6?: string) => ({
    name,
    up: true,
    ipv4: [{ address: v4, bits: 24 }],
    ipv6: v6 ? [{ address: v6, bits: 64 }] : [],
  });
  return {
    interfaces: {
      igb1: wan('wan', '198.51.100.2', '2001:db8:1::2'),
      igb2: { ...wan('opt1', '203.0.113.2'), carrier: false },
      igb3: { ...wan('opt2', '100.64.0.2'), up: false },
      igb4: wan('opt3', '100.64.1.2'),
    },
    routes: { inet: { gateway: '198.51.100.1', interface: 'igb1' }, inet6: null },
    services: {},
    sysctl: {},
    faults: {},
    ping: { silent: ['192.0.2.99'], rttMs: 0.731 },
  };
}

/** `os.networkInterfaces()` of the emulated box (what getifaddrs would list there). */
function interfacesOf(box: FakeBsd): () => NodeJS.Dict<NetworkInterfaceInfo[]> {
  return () => {
    const out: NodeJS.Dict<NetworkInterfaceInfo[]> = {};
    let index = 1;
    for (const [dev, i] of Object.entries(box.state().interfaces)) {
      const scopeid = ++index;
      const base = { internal: false, mac: '58:9c:fc:00:00:01', cidr: null };
      out[dev] = [
        ...i.ipv4.map((a) => ({ ...base, address: a.address, family: 'IPv4' as const, netmask: '255.255.255.0' })),
        { ...base, address: 'fe80::5a9c:fcff:fe00:1', family: 'IPv6', netmask: 'ffff:ffff:ffff:ffff::', scopeid },
        ...i.ipv6.map((a) => ({
          ...base,
          address: a.address,
          family: 'IPv6' as const,
          netmask: 'ffff:ffff:ffff:ffff::',
          scopeid: 0,
        })),
      ];
    }
    return out;
  };
}

describe('FreeBSD probes end to end (emulated FreeBSD ping and ifconfig)', function () {
  this.timeout(20_000);
  let box: FakeBsd;
  let probe: WanwatchProbe;
  let loadNetPing: sinon.SinonStub;
  const logs: string[] = [];
  const pings = () => box.lines(/^ping /);

  const freebsdProbe = (ifconfigMaxAgeMs: number) =>
    createProbe({
      system: 'freebsd',
      freebsd: {
        pingCommand: join(box.bin, 'ping'),
        ifconfigCommand: join(box.bin, 'ifconfig'),
        ifconfigMaxAgeMs,
        networkInterfaces: interfacesOf(box),
      },
      loadNetPing,
      logger: { warn: (m) => logs.push(`warn: ${m}`), info: (m) => logs.push(`info: ${m}`) },
    });

  beforeEach(() => {
    box = new FakeBsd(boxState());
    loadNetPing = sinon.stub().rejects(new Error('net-ping must not be loaded on FreeBSD'));
    logs.length = 0;
    probe = freebsdProbe(200);
  });
  afterEach(async () => {
    await probe.close();
    box?.dispose();
  });

  it('pings from the uplink’s own address (-S), IPv4 and IPv6, and reads the RTT', async () => {
    const wan = uplink('wan', 'igb1');
    assert.deepEqual(await probe.send(req(wan, '192.0.2.10', 800)), { ok: true, rttMs: 0.731 });
    assert.deepEqual(await probe.send(req(wan, '2001:db8::10', 800)), { ok: true, rttMs: 0.731 });
    assert.deepEqual(pings(), [
      'ping -4 -n -q -c 1 -W 800 -s 56 -m 64 -S 198.51.100.2 192.0.2.10',
      'ping -6 -n -q -c 1 -W 800 -s 56 -m 64 -S 2001:db8:1::2 2001:db8::10',
    ]);
    assert.equal(probe.icmpBackend, 'system-ping');
    assert.equal(probe.system, 'freebsd');
    assert.equal(loadNetPing.callCount, 0, 'no raw socket, no SO_BINDTODEVICE');
    assert.ok(
      logs.some((l) => l.startsWith('info: ') && l.includes('-S')),
      logs.join('\n'),
    );
  });

  it('pings a link-local gateway from the uplink’s link-local address', async () => {
    const wan = { ...uplink('wan', 'igb1'), gateway6: 'fe80::1' } as Uplink;
    assert.deepEqual(await probe.send(req(wan, 'gateway6', 800)), { ok: true, rttMs: 0.731 });
    assert.deepEqual(pings(), ['ping -6 -n -q -c 1 -W 800 -s 56 -m 64 -S fe80::5a9c:fcff:fe00:1%igb1 fe80::1%igb1']);
  });

  it('reports a silent target as a timeout after about the probe’s timeout', async () => {
    const start = performance.now();
    const r = await probe.send(req(uplink('wan', 'igb1'), '192.0.2.99', 300));
    const took = performance.now() - start;
    assert.deepEqual(r, { ok: false, reason: 'timeout', detail: 'timeout' });
    assert.ok(took >= 290 && took < 3000, `${took} ms`);
    assert.deepEqual(pings(), ['ping -4 -n -q -c 1 -W 300 -s 56 -m 64 -S 198.51.100.2 192.0.2.99']);
  });

  it('fails at once, without running ping, for an uplink without carrier, down, missing or without an address of the family', async () => {
    const start = performance.now();
    assert.deepEqual(await probe.send(req(uplink('opt1', 'igb2'), '192.0.2.10', 5000)), {
      ok: false,
      reason: 'link-down',
      detail: 'ENETDOWN: igb2 has no carrier',
    });
    assert.deepEqual(await probe.send(req(uplink('opt2', 'igb3'), '192.0.2.10', 5000)), {
      ok: false,
      reason: 'link-down',
      detail: 'ENETDOWN: igb3 is down',
    });
    assert.deepEqual(await probe.send(req(uplink('lte', 'igb9'), '192.0.2.10', 5000)), {
      ok: false,
      reason: 'no-device',
      detail: 'ENODEV: igb9 does not exist',
    });
    assert.deepEqual(await probe.send(req(uplink('opt3', 'igb4'), '2001:db8::10', 5000)), {
      ok: false,
      reason: 'error',
      detail: 'EADDRNOTAVAIL: igb4 has no IPv6 address',
    });
    assert.ok(performance.now() - start < 3000);
    assert.deepEqual(pings(), []);
    assert.deepEqual(box.lines(/^ifconfig/), ['ifconfig igb2', 'ifconfig igb3', 'ifconfig igb9', 'ifconfig igb4']);
  });

  it('fails a probe in flight when its uplink loses carrier', async () => {
    const wan = uplink('wan', 'igb1');
    assert.equal((await probe.send(req(wan, '192.0.2.10'))).ok, true);
    const inFlight = probe.send(req(wan, '192.0.2.99', 5000));
    await new Promise((r) => setTimeout(r, 100));
    const lost = performance.now();
    box.update((s) => (s.interfaces.igb1!.carrier = false));
    assert.deepEqual(await inFlight, { ok: false, reason: 'link-down', detail: 'ENETDOWN: igb1 lost carrier' });
    // ifconfig is re-read every 200 ms here (1 s by default), plus its run time.
    assert.ok(performance.now() - lost < 2000, `${performance.now() - lost} ms`);
  });

  it('binds nothing for the default path', async () => {
    assert.deepEqual(await probe.send(req(uplink('opt1', 'igb2'), '192.0.2.10', 500, 'default')), {
      ok: true,
      rttMs: 0.731,
    });
    assert.deepEqual(pings(), ['ping -4 -n -q -c 1 -W 500 -s 56 -m 64 192.0.2.10']);
    assert.deepEqual(box.lines(/^ifconfig/), []);
  });

  it('runs ifconfig once per device for a round of many targets', async () => {
    // An answer that cannot age during the round: on a busy machine six pings can outlast 200 ms.
    await probe.close();
    probe = freebsdProbe(60_000);
    const wan = uplink('wan', 'igb1');
    const targets = ['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14', '192.0.2.15'];
    const results = await Promise.all(targets.map((t) => probe.send(req(wan, t))));
    assert.deepEqual(
      results.map((r) => r.ok),
      targets.map(() => true),
    );
    assert.deepEqual(box.lines(/^ifconfig/), ['ifconfig igb1']);
  });
});

describe('FreeBSD TCP probe', () => {
  let server: Server;
  let seenFrom: string[];
  before(async () => {
    seenFrom = [];
    server = createServer((s) => {
      seenFrom.push(s.remoteAddress ?? '');
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  after(() => server.close());

  it('binds to the uplink’s address (localAddress), as on Linux', async () => {
    // The "uplink" owns 127.0.0.2 (any 127/8 address is local here).
    const probe = createProbe({
      system: 'freebsd',
      freebsd: {
        runIfconfig: async (dev) => ({
          exitCode: 0,
          stdout: `${dev}: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\tstatus: active\n`,
          stderr: '',
        }),
        networkInterfaces: () => ({
          igb1: [{ address: '127.0.0.2', family: 'IPv4', netmask: '255.0.0.0', internal: false, mac: '', cidr: null }],
        }),
      },
    });
    const { port } = server.address() as AddressInfo;
    const r = await probe.send(req(uplink('wan', 'igb1'), `tcp:127.0.0.1:${port}`));
    await probe.close();
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(seenFrom, ['127.0.0.2']);
  });
});

/** A net-ping stand-in that records what is done to its sockets. */
function fakeNetPing(): { module: NetPingModule; setOption: sinon.SinonSpy; pinged: string[] } {
  const setOption = sinon.spy();
  const pinged: string[] = [];
  const module: NetPingModule = {
    NetworkProtocol: { IPv4: 1, IPv6: 2 },
    createSession: () => {
      const session = new EventEmitter() as NetPingSession;
      const socket: RawSocketLike = { setOption };
      Object.assign(session, {
        timeout: 0,
        getSocket: () => socket,
        pingHost: (target: string, cb: (e: Error | null, t: string) => void) => {
          pinged.push(target);
          setImmediate(() => cb(null, target));
          return session;
        },
        close: () => session,
      });
      return session;
    },
  };
  return { module, setOption, pinged };
}

describe('the Linux path is unchanged', () => {
  it('binds the native ICMP socket to the uplink’s device with SO_BINDTODEVICE', async () => {
    const fake = fakeNetPing();
    const probe = createProbe({ system: 'linux', loadNetPing: async () => fake.module, logger: { warn: () => {} } });
    assert.equal(probe.system, 'linux');
    // lo: a device this machine always has, up with carrier.
    const r = await probe.send(req(uplink('wan', 'lo'), '192.0.2.10'));
    await probe.close();
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(probe.icmpBackend, 'native');
    assert.deepEqual(fake.pinged, ['192.0.2.10']);
    const bind = fake.setOption.getCalls().filter((c) => c.args[0] === 1 && c.args[1] === 25);
    assert.equal(bind.length, 1, 'SOL_SOCKET(1), SO_BINDTODEVICE(25)');
    assert.deepEqual(bind[0]!.args.slice(2), [Buffer.from('lo'), 2]);
  });

  it('is what createProbe uses on this machine by default', () => {
    assert.equal(createProbe().system, process.platform === 'freebsd' ? 'freebsd' : 'linux');
  });

  it('refuses the native backend on FreeBSD (it would need SO_BINDTODEVICE)', () => {
    assert.throws(() => createProbe({ system: 'freebsd', icmp: { backend: 'native' } }), /Linux-only/);
  });
});
