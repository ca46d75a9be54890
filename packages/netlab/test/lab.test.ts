import assert from 'node:assert/strict';
import { execa } from 'execa';
import { Lab } from '../src/lab.js';
import { ip, ipIn } from '../src/exec.js';
import { namespaceName } from '../src/names.js';
import { listLabNamespaces, sweepNamespaces } from '../src/namespaces.js';
import { reaches } from './helpers.js';

describe('netlab topology and clean-up', function () {
  this.timeout(30_000);
  let lab: Lab;
  before(async () => {
    lab = await Lab.create({ uplinks: 3 });
  });
  after(() => lab?.destroy());

  it('reaches every target out of every uplink, IPv4 and IPv6, default route or not', async () => {
    const [t4] = lab.targets4(1);
    const [t6] = lab.targets6(1);
    for (const u of lab.uplinks) {
      assert.ok(await reaches(lab.ns.router, u.device, t4!), `${t4} via ${u.device}`);
      assert.ok(await reaches(lab.ns.router, u.device, t6!), `${t6} via ${u.device}`);
    }
  });

  it('lets the LAN host reach the internet through the router with NAT', async () => {
    assert.ok(await reaches(lab.ns.lan, 'eth0', lab.targets4(1)[0]!));
    assert.ok(await reaches(lab.ns.lan, 'eth0', lab.targets6(1)[0]!));
  });

  it('moves the default route between uplinks', async () => {
    await lab.setDefaultUplink(2);
    const { stdout } = await ipIn(lab.ns.router, ['-4', 'route', 'show', 'default']);
    assert.match(stdout, /dev wan2/);
    await lab.setDefaultUplink(1);
  });

  it('removes the namespaces of a run that crashed, and keeps those of live runs', async () => {
    const child = execa(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const deadPid = child.pid!;
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    const stale = namespaceName(`${deadPid}-abcdef`, 'r');
    await ip(['netns', 'add', stale]);
    const removed = await sweepNamespaces();
    assert.ok(removed.includes(stale));
    const left = await listLabNamespaces();
    assert.ok(!left.includes(stale));
    assert.ok(left.includes(lab.ns.router), 'a live lab is kept');
  });

  it('removes everything it made when its set-up fails half-way', async () => {
    let made: string[] = [];
    await assert.rejects(
      Lab.create({
        uplinks: 1,
        services: false,
        setup: async (half) => {
          made = [half.ns.router, half.ns.inet, half.ns.lan, ...half.ns.isps];
          throw new Error('set-up broke');
        },
      }),
      /set-up broke/,
    );
    assert.equal(made.length, 4);
    const left = await listLabNamespaces();
    for (const ns of made) assert.ok(!left.includes(ns), `${ns} left behind`);
  });

  it('deletes a device and creates it again with its addresses and routes', async () => {
    const target = lab.targets4(1)[0]!;
    await lab.removeUplinkDevice(2);
    assert.equal((await ipIn(lab.ns.router, ['link', 'show', 'wan2'], { allowFailure: true })).ok, false);
    await lab.restoreUplinkDevice(2);
    assert.ok(await reaches(lab.ns.router, 'wan2', target));
    assert.ok(await reaches(lab.ns.router, 'wan2', lab.targets6(1)[0]!));
  });
});
