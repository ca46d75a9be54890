import assert from 'node:assert/strict';
import { isInterfaceName } from '../src/index.js';

describe('isInterfaceName', () => {
  it('accepts the device names routers use', () => {
    for (const name of ['eth0', 'wan1', 'ppp0', 'wwan0', 'eth0.100', 'br-lan', 'veth@x', 'a:1', 'x'.repeat(15)])
      assert.equal(isInterfaceName(name), true, name);
  });

  it('refuses what could be read as an option or path, or is too long', () => {
    for (const name of ['', '.', '..', 'x'.repeat(16), 'a b', 'a/b', '-x', 'ë', '../etc'])
      assert.equal(isInterfaceName(name), false, JSON.stringify(name));
  });
});
