import assert from 'node:assert/strict';
import { parseTarget, targetError } from '../src/target.js';
import { isInterfaceName } from '@wanwatch/core';
import { assertInterfaceName } from '../src/device.js';
import { ConfigError } from '@wanwatch/core';
import { createProbe } from '../src/probe.js';

describe('target grammar', () => {
  it('reads plain addresses and icmp: as ICMP, IPv4 and IPv6', () => {
    assert.deepEqual(parseTarget('192.0.2.10'), { kind: 'icmp', host: '192.0.2.10' });
    assert.deepEqual(parseTarget('2001:db8::10'), { kind: 'icmp', host: '2001:db8::10' });
    assert.deepEqual(parseTarget('icmp:gateway'), { kind: 'icmp', host: 'gateway' });
    assert.deepEqual(parseTarget('gateway'), { kind: 'icmp', host: 'gateway' });
    assert.deepEqual(parseTarget('gateway6'), { kind: 'icmp', host: 'gateway6' });
    assert.deepEqual(parseTarget('fe80::1%wan1'), { kind: 'icmp', host: 'fe80::1%wan1' });
  });

  it('reads tcp:, with IPv6 in brackets', () => {
    assert.deepEqual(parseTarget('tcp:192.0.2.10:443'), { kind: 'tcp', host: '192.0.2.10', port: 443 });
    assert.deepEqual(parseTarget('tcp:[2001:db8::10]:22'), { kind: 'tcp', host: '2001:db8::10', port: 22 });
    assert.deepEqual(parseTarget('tcp:gateway:53'), { kind: 'tcp', host: 'gateway', port: 53 });
  });

  it('reads http(s) URLs with expectations in the fragment, which is not sent', () => {
    const t = parseTarget('https://[2001:db8::80]/health#status=200-204&match=OK');
    assert.equal(t.kind, 'http');
    if (t.kind !== 'http') return;
    assert.equal(t.url.href, 'https://[2001:db8::80]/health');
    assert.deepEqual(t.status, [200, 204]);
    assert.equal(t.match, 'OK');
    const plain = parseTarget('http://192.0.2.80/');
    assert.ok(plain.kind === 'http' && plain.status[0] === 200 && plain.status[1] === 399 && plain.match === undefined);
  });

  it('reads dns: with an optional record type', () => {
    assert.deepEqual(parseTarget('dns:192.0.2.53:example.org'), {
      kind: 'dns',
      server: '192.0.2.53',
      name: 'example.org',
      type: 'A',
    });
    assert.deepEqual(parseTarget('dns:[2001:db8::53]:example.org:AAAA'), {
      kind: 'dns',
      server: '2001:db8::53',
      name: 'example.org',
      type: 'AAAA',
    });
  });

  it('rejects what it does not understand, saying why', () => {
    for (const bad of [
      '',
      'example.org',
      '300.1.1.1',
      'tcp:192.0.2.1',
      'tcp:192.0.2.1:0',
      'tcp:192.0.2.1:70000',
      'tcp:2001:db8::1:80',
      'dns:192.0.2.53',
      'dns:192.0.2.53:bad name',
      'dns:192.0.2.53:example.org:MX',
      'http://192.0.2.1/#status=abc',
      'ftp://192.0.2.1/',
    ]) {
      assert.notEqual(targetError(bad), null, bad);
    }
    assert.equal(targetError('tcp:[2001:db8::1]:80'), null);
  });

  it('validates interface names before use', () => {
    for (const ok of ['eth0', 'wan2', 'ppp0', 'wwan0', 'eth0.7', 'br-lan', 'vlan@eth1'])
      assert.ok(isInterfaceName(ok), ok);
    for (const bad of ['', '.', '..', 'a/b', 'has space', 'x'.repeat(16), '-eth0', '../etc']) {
      assert.ok(!isInterfaceName(bad), bad);
    }
    assert.throws(() => assertInterfaceName('a/b', 'uplinks[0].interface'), ConfigError);
  });
});

describe('probe results without a network', () => {
  const uplink = { id: 'wan', priority: 1, interface: 'wan-x', gateway: '192.0.2.1', targets: [] };
  const probe = createProbe({ icmp: { backend: 'system' }, logger: { warn: () => undefined } });
  after(() => probe.close());

  it('never rejects: a bad target is a failed result with the reason', async () => {
    const r = await probe.send({ uplink, target: 'tcp:nowhere', timeoutMs: 100, path: 'uplink' });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.detail : '', /^invalid target/);
  });

  it('fails at once for a device that does not exist, an invalid one, or a missing gateway', async () => {
    assert.deepEqual(await probe.send({ uplink, target: '192.0.2.10', timeoutMs: 100, path: 'uplink' }), {
      ok: false,
      reason: 'no-device',
      detail: 'ENODEV: wan-x does not exist',
    });
    assert.deepEqual(
      await probe.send({
        uplink: { ...uplink, interface: '../x' },
        target: '192.0.2.10',
        timeoutMs: 100,
        path: 'uplink',
      }),
      { ok: false, reason: 'error', detail: 'invalid interface name "../x"' },
    );
    const r = await probe.send({
      uplink: { ...uplink, gateway: 'auto' },
      target: 'gateway',
      timeoutMs: 100,
      path: 'uplink',
    });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.detail : '', /^no gateway/);
  });

  it('asks the resolver for an auto gateway, by family, and gives a link-local one its device as zone', async () => {
    const asked: string[] = [];
    const resolving = createProbe({
      icmp: { backend: 'system' },
      logger: { warn: () => undefined },
      resolveGateway: (u, family) => {
        asked.push(`${u.id}/${family}`);
        return family === 4 ? null : 'fe80::1';
      },
    });
    try {
      const auto = { ...uplink, gateway: 'auto', gateway6: 'auto' };
      const v4 = await resolving.send({ uplink: auto, target: 'gateway', timeoutMs: 100, path: 'uplink' });
      assert.deepEqual(v4, {
        ok: false,
        reason: 'error',
        detail: 'no gateway: uplink wan has no gateway address to probe',
      });
      // The device does not exist, so the probe fails there, after resolving the gateway.
      const v6 = await resolving.send({ uplink: auto, target: 'gateway6', timeoutMs: 100, path: 'uplink' });
      assert.deepEqual(v6, { ok: false, reason: 'no-device', detail: 'ENODEV: wan-x does not exist' });
      assert.deepEqual(asked, ['wan/4', 'wan/6']);
      const fixed = await resolving.send({ uplink, target: 'gateway', timeoutMs: 100, path: 'uplink' });
      assert.deepEqual(fixed, { ok: false, reason: 'no-device', detail: 'ENODEV: wan-x does not exist' });
      assert.deepEqual(asked, ['wan/4', 'wan/6'], 'a configured gateway is not looked up');
    } finally {
      await resolving.close();
    }
  });

  it('answers an aborted request at once', async () => {
    const r = await probe.send({
      uplink,
      target: '192.0.2.10',
      timeoutMs: 100,
      path: 'uplink',
      signal: AbortSignal.abort(),
    });
    assert.deepEqual(r, { ok: false, reason: 'aborted', detail: 'aborted' });
  });

  it('refuses out-of-range options when created', () => {
    assert.throws(() => createProbe({ icmp: { payloadBytes: 0 } }), RangeError);
    assert.throws(() => createProbe({ icmp: { ttl: 256 } }), RangeError);
  });
});
