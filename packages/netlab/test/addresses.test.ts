import assert from 'node:assert/strict';
import { assertLabAddress, targets4, targets6 } from '../src/addresses.js';
import { assertLabNamespace, namespaceName, newRunId, ownerPid } from '../src/names.js';
import { NetlabError } from '../src/errors.js';

const unsafe = (fn: () => void) =>
  assert.throws(fn, (err: unknown) => err instanceof NetlabError && err.code === 'E_UNSAFE');

describe('lab safety', () => {
  it('accepts only documentation ranges and 100.64.0.0/10', () => {
    for (const ok of [
      '192.0.2.1',
      '198.51.100.10/24',
      '203.0.113.0/24',
      '100.64.1.2/24',
      '100.127.255.1',
      '2001:db8:a1::2/64',
    ]) {
      assertLabAddress(ok);
    }
    for (const bad of [
      '10.0.0.1',
      '192.168.1.1',
      '8.8.8.8',
      '100.128.0.1',
      '2001:db9::1',
      'fe80::1',
      '127.0.0.1',
      'x',
    ]) {
      unsafe(() => assertLabAddress(bad));
    }
  });

  it('refuses prefixes wider than the allowed ranges', () => {
    unsafe(() => assertLabAddress('198.51.100.0/16'));
    unsafe(() => assertLabAddress('100.64.0.0/8'));
    unsafe(() => assertLabAddress('2001:db8::/16'));
  });

  it('hands out only lab target addresses', () => {
    for (const t of [...targets4(480), ...targets6(1000)]) assertLabAddress(t);
    assert.equal(new Set(targets6(1000)).size, 1000);
  });

  it('names namespaces with the run prefix and refuses any other namespace', () => {
    const run = newRunId();
    const ns = namespaceName(run, 'isp1');
    assert.match(ns, /^ww-\d+-[0-9a-f]{6}-isp1$/);
    assert.equal(ownerPid(ns), process.pid);
    assertLabNamespace(ns);
    unsafe(() => assertLabNamespace('default'));
    unsafe(() => assertLabNamespace('ww-other'));
  });
});
