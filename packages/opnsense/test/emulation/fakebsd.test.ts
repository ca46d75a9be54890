/**
 * The emulated OPNsense commands behave like the real ones where the
 * adapter depends on it: configctl's answers to unknown actions and wrong
 * parameter counts, FreeBSD route's "route already in table", linkup stop
 * suspending an interface, and ifconfig's CARP lines.
 */
import assert from 'node:assert/strict';
import { FakeBsd } from './fake-bsd.js';

describe('the emulated OPNsense commands', () => {
  let box: FakeBsd;
  beforeEach(() => (box = new FakeBsd()));
  afterEach(() => box.dispose());

  it('answer an unknown configctl action like configd: "Action not allowed or missing" with exit 0', () => {
    for (const words of [
      ['interface', 'linkup.start', 'vtnet1'],
      ['interface', 'bogus'],
      ['dpinger', 'restart'],
    ]) {
      const r = box.run('configctl', ...words);
      assert.equal(r.code, 0);
      assert.equal(r.stdout.trim(), 'Action not allowed or missing', words.join(' '));
    }
  });

  it('answer a wrong parameter count with "Execute error" and change nothing', () => {
    assert.equal(box.run('configctl', 'interface', 'linkup', 'start').stdout.trim(), 'Execute error');
    assert.equal(
      box.run('configctl', 'interface', 'linkup', 'start', 'vtnet1', 'vtnet2').stdout.trim(),
      'Execute error',
    );
    assert.equal(box.run('configctl', 'interface', 'newip', 'vtnet1', 'now').stdout.trim(), 'Execute error');
    assert.equal(box.state().interfaces.vtnet1!.up, false);
  });

  it('bring a WAN up with linkup start + reconfigure <name>, and suspend it with linkup stop <device>', () => {
    assert.equal(box.run('configctl', 'interface', 'linkup', 'start', 'vtnet2').stdout.trim(), 'OK');
    assert.equal(box.state().interfaces.vtnet2!.ipv4.length, 0, 'no lease before reconfigure');
    box.run('configctl', 'interface', 'reconfigure', 'opt1');
    let s = box.state();
    assert.deepEqual(
      s.interfaces.vtnet2!.ipv4.map((a) => a.address),
      ['203.0.113.2'],
    );
    assert.deepEqual(s.routes.inet, { gateway: '203.0.113.1', interface: 'vtnet2' });
    assert.match(
      box.run('ifconfig', 'vtnet2').stdout,
      /inet 203\.0\.113\.2 netmask 0xffffff00 broadcast 203\.0\.113\.255/,
    );
    assert.match(box.run('netstat', '-rnW', '-f', 'inet').stdout, /^default\s+203\.0\.113\.1\s+UGS\s+vtnet2$/m);
    box.run('configctl', 'interface', 'linkup', 'stop', 'vtnet2');
    s = box.state();
    assert.deepEqual(s.interfaces.vtnet2!.ipv4, []);
    assert.equal(s.routes.inet, null);
  });

  it('refuse a second default route the way FreeBSD route does, and delete a missing one with "not in table"', () => {
    assert.equal(box.run('route', '-n', 'add', '-inet', 'default', '192.0.2.3').code, 0);
    const again = box.run('route', '-n', 'add', '-inet', 'default', '192.0.2.3');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /route already in table/);
    assert.equal(box.run('route', '-n', 'delete', '-inet', 'default').code, 0);
    assert.match(box.run('route', '-n', 'delete', '-inet', 'default').stderr, /not in table/);
    assert.match(box.run('route', '-n', 'add', '-inet', 'default', '100.64.9.1').stderr, /Network is unreachable/);
  });

  it('print CARP vhids in FreeBSD 14 ifconfig form', () => {
    const out = box.run('ifconfig', '-a').stdout;
    assert.match(out, /^\tcarp: MASTER vhid 1 advbase 1 advskew 0$/m);
    assert.match(out, /^\tinet 192\.0\.2\.1 netmask 0xffffff00 broadcast 192\.0\.2\.255 vhid 1$/m);
    assert.match(box.run('ifconfig', 'vtnet9').stderr, /interface vtnet9 does not exist/);
  });

  it('record every call and apply injected faults', () => {
    box.fault('configctl interface reconfigure opt1', { exit: 1, stderr: 'configd socket gone', times: 1 });
    const r = box.run('configctl', 'interface', 'reconfigure', 'opt1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /configd socket gone/);
    assert.equal(box.run('configctl', 'interface', 'reconfigure', 'opt1').code, 0, 'the fault applied once');
    assert.deepEqual(box.lines(), ['configctl interface reconfigure opt1', 'configctl interface reconfigure opt1']);
  });
});
