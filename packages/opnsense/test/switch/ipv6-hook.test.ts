/**
 * The IPv6 hook (NPTv6 / prefix scripts, seed 002) runs after an
 * activation on the CARP master only, with the documented environment.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpnsenseAdapter } from '../../src/index.js';
import type { FakeBsd } from '../emulation/fake-bsd.js';
import { adapterOn, bootWith, FIBER, LTE, newBox, UPLINKS, ctx } from '../support/box.js';

describe('the OPNsense IPv6 hook', function () {
  this.timeout(20_000);
  let box: FakeBsd & { configXml: string };
  let adapter: OpnsenseAdapter;
  let out: string;

  beforeEach(() => {
    box = newBox();
    bootWith(box, 'vtnet1', 'wan');
    out = join(box.dir, 'hook.env');
    const hook = join(box.dir, 'nptv6-hook');
    writeFileSync(hook, `#!/bin/sh\nenv | grep '^WANWATCH_OPNSENSE_' | sort > '${out}'\n`);
    chmodSync(hook, 0o755);
    ({ adapter } = adapterOn(box, { ipv6Hook: hook, ipv6Restart: false, peer4: '192.0.2.3' }));
  });
  afterEach(async () => {
    await adapter.close();
    box.dispose();
  });

  it('runs on the master after the switch with the new and previous WAN in its environment', async () => {
    await adapter.activate(LTE, ctx(FIBER));
    assert.deepEqual(readFileSync(out, 'utf8').trim().split('\n'), [
      'WANWATCH_OPNSENSE_ADDRESS4=203.0.113.2',
      'WANWATCH_OPNSENSE_ADDRESS6=2001:db8:2::2',
      'WANWATCH_OPNSENSE_DEVICE=vtnet2',
      'WANWATCH_OPNSENSE_INTERFACE=opt1',
      'WANWATCH_OPNSENSE_PREVIOUS_DEVICE=vtnet1',
      'WANWATCH_OPNSENSE_PREVIOUS_INTERFACE=wan',
      'WANWATCH_OPNSENSE_PREVIOUS_UPLINK=fiber',
      'WANWATCH_OPNSENSE_ROLE=master',
      'WANWATCH_OPNSENSE_UPLINK=lte',
    ]);
  });

  it('does not run while the box is CARP backup', async () => {
    const signal = new AbortController().signal;
    await adapter.enterBackup({ uplinks: UPLINKS, active: FIBER, signal });
    await adapter.activate(LTE, ctx(null));
    assert.equal(existsSync(out), false);
    await adapter.enterMaster({ uplinks: UPLINKS, active: null, signal });
    rmSync(out, { force: true });
    await adapter.activate(FIBER, ctx(null));
    assert.match(readFileSync(out, 'utf8'), /WANWATCH_OPNSENSE_UPLINK=fiber/);
  });
});
