/**
 * The daemon with `platform: opnsense` and CARP on the emulated OPNsense box
 * (see packages/opnsense/test/emulation): the daemon hands the CARP role
 * source to the engine, so an agent started on a backup keeps every WAN
 * down. Nothing here touches the machine's network: every command goes to
 * the emulation, and a backup sends no probes. (Role changes through the
 * syshook are tested in packages/opnsense/test/carp.)
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { Daemon } from '@wanwatch/agent';
import { FakeBsd } from '../../opnsense/test/emulation/fake-bsd.js';
import { TempDir } from './support/tmp.js';
import { waitFor } from './support/agent.js';

describe('the daemon on the opnsense platform with CARP (emulated box)', function () {
  this.timeout(30_000);
  let dir: TempDir;
  let box: FakeBsd;
  let daemon: Daemon | undefined;

  beforeEach(() => {
    dir = new TempDir();
    box = new FakeBsd();
    box.run('configctl', 'interface', 'linkup', 'start', 'vtnet1');
    box.run('configctl', 'interface', 'reconfigure', 'wan');
    box.clearCalls();
  });
  afterEach(async () => {
    await daemon?.stop();
    daemon = undefined;
    box.dispose();
    dir.remove();
  });

  it('hands the CARP role source to the engine: started on a CARP backup, it keeps the WANs down and routes via the peer', async () => {
    box.update((s) => (s.interfaces.vtnet0!.carp![0]!.state = 'BACKUP'));
    const configXml = dir.file(
      'config.xml',
      '<interfaces><wan><if>vtnet1</if></wan><opt1><if>vtnet2</if></opt1></interfaces>',
    );
    const file = dir.file(
      'wanwatch.yaml',
      `platform: opnsense
control: { socket: ${dir.join('wanwatch.sock')} }
state: ${dir.join('state')}
opnsense:
  commandPath: [${box.bin}]
  configXml: ${configXml}
  carp: { enabled: true, vhid: '1@vtnet0', peer4: 192.0.2.3, socket: ${dir.join('carp.sock')}, stateDir: ${dir.join('carp')} }
uplinks:
  - { name: fiber, interface: vtnet1, targets: [192.0.2.10] }
  - { name: lte, interface: vtnet2, targets: [192.0.2.10] }
`,
    );
    daemon = await Daemon.start(file, { stream: new PassThrough(), tty: false, journald: false });
    const status = daemon.engine()!.status();
    assert.equal(status.role, 'backup');
    assert.equal(status.active, null);
    assert.ok(
      status.uplinks.every((u) => !u.probing),
      'a backup probes nothing',
    );
    assert.deepEqual(box.state().routes.inet, { gateway: '192.0.2.3', interface: 'vtnet0' });
    assert.deepEqual(box.state().interfaces.vtnet1!.ipv4, []);
    assert.equal(box.lines(/linkup start/).length, 0);
    await waitFor('the CARP socket', () => (existsSync(dir.join('carp.sock')) ? true : undefined));
  });
});
