import assert from 'node:assert/strict';
import { errnoInText, errnoOf, meansStaleSocket } from '../src/errno.js';
import { failureOf } from '../src/outcome.js';
import { readPing } from '../src/icmp/system-ping.js';
import { readFreebsdPing } from '../src/index.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('errno table', () => {
  it('decides the failure reason once for Node errors, raw-socket texts and ping output', () => {
    assert.deepEqual(failureOf(coded('ECONNREFUSED')), { ok: false, reason: 'refused', detail: 'ECONNREFUSED' });
    assert.deepEqual(failureOf(new Error('Network is down')), { ok: false, reason: 'link-down', detail: 'ENETDOWN' });
    assert.deepEqual(failureOf(coded('EWHATEVER', 'odd')), { ok: false, reason: 'error', detail: 'EWHATEVER: odd' });
    assert.deepEqual(failureOf(new Error('odd')), { ok: false, reason: 'error', detail: 'error: odd' });
    assert.deepEqual(
      readPing(2, '', 'ping: sendto: Network is down\n', 1),
      readFreebsdPing(2, '', 'ping: sendto: Network is down\n', 1),
    );
  });

  it('reads a device that is gone as link-down on Linux and on FreeBSD alike', () => {
    assert.equal(errnoInText('ping: sendto: No such device or address'), 'ENXIO', 'not the shorter ENODEV text');
    assert.equal(errnoInText('ping: SO_BINDTODEVICE wan9: No such device'), 'ENODEV');
    assert.deepEqual(readFreebsdPing(2, '', 'ping: sendto: Device not configured\n', 1), {
      ok: false,
      reason: 'link-down',
      detail: 'ENXIO',
    });
    assert.equal(errnoOf(new Error('Device not configured')), 'ENXIO');
  });

  it('tells a stale socket (rebuild it) from a link that is down (judge the uplink)', () => {
    assert.equal(meansStaleSocket(coded('EBADF')), true);
    assert.deepEqual(failureOf(coded('EBADF')), { ok: false, reason: 'error', detail: 'EBADF' });
    assert.equal(meansStaleSocket(coded('ENXIO')), true);
    assert.equal(meansStaleSocket(coded('ENETDOWN')), false, 'a device that is down keeps its socket');
    assert.equal(meansStaleSocket(coded('ETIMEDOUT')), false);
  });

  it('reads glibc and FreeBSD wordings of the same errno', () => {
    assert.equal(errnoInText('ping: bind: Cannot assign requested address'), 'EADDRNOTAVAIL');
    assert.equal(errnoInText("ping: bind: Can't assign requested address"), 'EADDRNOTAVAIL');
    assert.equal(errnoInText('ping: sendto: Permission denied'), 'EACCES');
    assert.equal(errnoInText('ping: 192.0.2.300: Name or service not known'), null);
  });
});
