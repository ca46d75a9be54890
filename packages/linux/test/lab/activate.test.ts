import assert from 'node:assert/strict';
import type { ActivateContext, SwitchReason, Uplink } from '@wanwatch/core';
import { ipIn, type Fault, type Lab } from '@wanwatch/netlab';
import { LinuxAdapter } from '../../src/index.js';
import { adapterLab, defaultRoutes, DHCP_TABLE, inLab, lanReaches, RouterHost, uplinkOf } from '../support/lab.js';

function context(previous: Uplink | null, reason: SwitchReason = 'failover'): ActivateContext {
  return { previous, reason, signal: new AbortController().signal };
}

describe('linux adapter: discover and activate, in the lab', function () {
  this.timeout(60_000);
  let lab: Lab;
  let host: RouterHost | undefined;
  let adapter: LinuxAdapter;
  let wan1: Uplink;
  let wan2: Uplink;
  const faults: Fault[] = [];

  before(async () => {
    lab = await adapterLab(2);
    [wan1, wan2] = [uplinkOf(lab, 1), uplinkOf(lab, 2)];
    adapter = new LinuxAdapter([wan1, wan2], inLab(lab));
  });
  afterEach(async () => {
    for (const f of faults.splice(0)) await f.clear();
  });
  after(async () => {
    await adapter?.close();
    await host?.stop();
    await lab?.destroy();
  });

  it("discovers the uplink of the effective default route, also when it is not wanwatch's", async () => {
    assert.equal(await adapter.discover([wan1, wan2]), 'wan1');
    assert.equal(adapter.activeUplink, null, "a DHCP client's route is not adopted as wanwatch's own");
    assert.equal(await adapter.discover([wan2]), null, 'an uplink not asked about is not reported');
  });

  it("adopts the DHCP client's uplink: wanwatch's own route beside it, so traffic no longer depends on that client", async () => {
    const infos: string[] = [];
    const fresh = new LinuxAdapter(
      [wan1, wan2],
      inLab(lab, { logger: { warn: () => undefined, info: (m) => infos.push(m) } }),
    );
    const dhcp = ['route', 'replace', 'default', 'via'];
    try {
      assert.equal(await fresh.discover([wan1, wan2]), 'wan1');
      await fresh.adopt(wan1, { signal: new AbortController().signal });
      assert.equal(fresh.activeUplink, 'wan1');
      for (const family of [4, 6] as const) {
        const routes = await defaultRoutes(lab, family);
        assert.deepEqual(
          routes.map((r) => [r.dev, r.metric]),
          [
            ['wan1', 10],
            ['wan1', 100],
          ],
          `IPv${family}: wanwatch's route on the same uplink, the DHCP client's left alone`,
        );
      }
      assert.match(infos.join('\n'), /adopting wan1/);
      infos.length = 0;
      await fresh.adopt(wan1, { signal: new AbortController().signal });
      assert.deepEqual(infos, [], 'adopting again changes nothing');
      // The DHCP client drops its routes (lease lost and renewed): the LAN keeps going out of wan1.
      await ipIn(lab.ns.router, ['-4', 'route', 'del', 'default', 'dev', 'wan1', 'metric', '100']);
      await ipIn(lab.ns.router, ['-6', 'route', 'del', 'default', 'dev', 'wan1', 'metric', '100']);
      assert.ok(await lanReaches(lab, lab.targets4(1)[0]!), 'IPv4 through uplink 1');
      assert.ok(await lanReaches(lab, lab.targets6(1)[0]!), 'IPv6 through uplink 1');
    } finally {
      await fresh.close();
      const u1 = lab.uplink(1);
      await ipIn(lab.ns.router, ['-4', ...dhcp, u1.gateway4, 'dev', 'wan1', 'metric', '100']);
      await ipIn(lab.ns.router, ['-6', ...dhcp, u1.gateway6, 'dev', 'wan1', 'metric', '100']);
    }
  });

  it("moves the default route (IPv4 and IPv6) at its metric and the LAN's traffic follows", async () => {
    const [t4, t6] = [lab.targets4(1)[0]!, lab.targets6(1)[0]!];
    faults.push(await lab.faults.upstreamBlackhole(1));
    assert.equal(await lanReaches(lab, t4), false, 'uplink 1 is dead, so the LAN is cut off');
    await adapter.activate(wan2, context(wan1));
    const [r4] = await defaultRoutes(lab, 4);
    assert.deepEqual([r4?.gateway, r4?.dev, r4?.metric], [lab.uplink(2).gateway4, 'wan2', 10]);
    const v6 = (await defaultRoutes(lab, 6)).find((r) => r.metric === 10);
    assert.deepEqual([v6?.gateway, v6?.dev], [lab.uplink(2).gateway6, 'wan2']);
    assert.ok(await lanReaches(lab, t4), 'IPv4 through uplink 2');
    assert.ok(await lanReaches(lab, t6), 'IPv6 through uplink 2');
    assert.equal(await adapter.discover([wan1, wan2]), 'wan2');
    assert.equal(adapter.activeUplink, 'wan2');
    const dhcp = (await defaultRoutes(lab, 4)).find((r) => r.metric === 100);
    assert.equal(dhcp?.dev, 'wan1', "the DHCP client's route is left alone");
  });

  it('on adopt, completes a switch that was interrupted between IPv4 and IPv6', async () => {
    await adapter.activate(wan1, context(wan2));
    // The agent was killed after moving IPv4 to wan1: its IPv6 route still leads out of wan2.
    await ipIn(lab.ns.router, [
      '-6',
      'route',
      'replace',
      'default',
      'via',
      lab.uplink(2).gateway6,
      'dev',
      'wan2',
      'metric',
      '10',
    ]);
    const warnings: string[] = [];
    const fresh = new LinuxAdapter(
      [wan1, wan2],
      inLab(lab, { logger: { warn: (m) => warnings.push(m), info: () => undefined } }),
    );
    try {
      assert.equal(await fresh.discover([wan1, wan2]), 'wan1');
      await fresh.adopt(wan1, { signal: new AbortController().signal });
      const own = async (family: 4 | 6) => (await defaultRoutes(lab, family)).filter((r) => r.metric === 10);
      assert.deepEqual(
        (await own(4)).map((r) => r.dev),
        ['wan1'],
      );
      assert.deepEqual(
        (await own(6)).map((r) => r.dev),
        ['wan1'],
        'IPv6 follows IPv4',
      );
      assert.match(warnings.join('\n'), /interrupted/);
      assert.ok(await lanReaches(lab, lab.targets6(1)[0]!), 'IPv6 through uplink 1');
    } finally {
      await fresh.close();
    }
  });

  it('takes a link-local IPv6 gateway, as routers advertise it', async () => {
    const isp = lab.uplink(2).ispNamespace;
    const addrs = JSON.parse((await ipIn(isp, ['-6', '-json', 'addr', 'show', 'dev', 'cust'])).stdout) as {
      addr_info: { local?: string; scope?: string }[];
    }[];
    const linkLocal = addrs[0]!.addr_info.find((a) => a.scope === 'link')!.local!;
    const viaLinkLocal = { ...wan2, gateway6: `${linkLocal}%wan2` };
    const a = new LinuxAdapter([wan1, viaLinkLocal], inLab(lab, { conntrack: 'off' }));
    try {
      await a.activate(viaLinkLocal, context(wan1));
      const v6 = (await defaultRoutes(lab, 6)).find((r) => r.metric === 10);
      assert.deepEqual([v6?.gateway, v6?.dev], [linkLocal, 'wan2']);
      assert.ok(await lanReaches(lab, lab.targets6(1)[0]!), 'IPv6 through the link-local gateway');
      await a.prepareProbing(viaLinkLocal);
      assert.equal((await defaultRoutes(lab, 6, '102'))[0]?.gateway, linkLocal);
      assert.equal(a.gatewayOf('wan2', 6), linkLocal);
    } finally {
      await a.close();
    }
  });

  it('never leaves the main table without a default route while switching (make before break)', async () => {
    host ??= await RouterHost.start(lab);
    // Only wanwatch's default routes are left (/proc/net/ipv6_route lists every table), so a gap in them would show.
    for (const family of [4, 6] as const) {
      for (const r of await defaultRoutes(lab, family))
        if (r.metric !== 10)
          await ipIn(lab.ns.router, [`-${family}`, 'route', 'del', 'default', 'metric', String(r.metric ?? 0)]);
      await ipIn(lab.ns.router, [`-${family}`, 'route', 'flush', 'table', String(DHCP_TABLE)]);
    }
    const watching = host.watchDefaults(1500, 200);
    await new Promise((r) => setTimeout(r, 300));
    let switches = 0;
    const until = performance.now() + 1000;
    for (let k = 0; k < 40 && performance.now() < until; k++) {
      const [to, from] = k % 2 === 0 ? [wan1, wan2] : [wan2, wan1];
      await adapter.activate(to, context(from, 'manual'));
      switches++;
    }
    const seen = await watching;
    assert.ok(switches >= 4, `only ${switches} switches`);
    assert.ok(seen.samples > 1000, `only ${seen.samples} samples`);
    assert.deepEqual([seen.without4, seen.without6], [0, 0], `${JSON.stringify(seen)} over ${switches} switches`);
    // The control: deleting, then adding (break before make), is seen by the same watcher.
    const control = host.watchDefaults(600, 100);
    await new Promise((r) => setTimeout(r, 200));
    const u1 = lab.uplink(1);
    for (let k = 0; k < 5; k++) {
      await ipIn(lab.ns.router, ['-4', 'route', 'del', 'default', 'metric', '10']);
      await ipIn(lab.ns.router, ['-4', 'route', 'add', 'default', 'via', u1.gateway4, 'dev', 'wan1', 'metric', '10']);
    }
    const broken = await control;
    assert.ok(broken.without4 > 0, `the watcher missed a gap: ${JSON.stringify(broken)}`);
    console.log(
      `      ${switches} switches, ${seen.samples} samples, none without a default route` +
        ` (control: ${broken.without4} of ${broken.samples} samples without one)`,
    );
  });
});
