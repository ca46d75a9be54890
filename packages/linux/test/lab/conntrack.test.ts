import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActivateContext, Uplink } from '@wanwatch/core';
import { execIn, ipIn, type Lab } from '@wanwatch/netlab';
import { execa } from 'execa';
import { LinuxAdapter } from '../../src/index.js';
import { adapterLab, inLab, Notes, uplinkOf } from '../support/lab.js';

function context(previous: Uplink | null): ActivateContext {
  return { previous, reason: previous ? 'failover' : 'initial', signal: new AbortController().signal };
}

/** Reply destinations of the router's conntrack entries, by family. */
async function replyDestinations(lab: Lab, family: 4 | 6): Promise<string[]> {
  const res = await execIn(lab.ns.router, 'conntrack', ['-L', '-f', family === 4 ? 'ipv4' : 'ipv6']);
  return res.stdout
    .split('\n')
    .map((line) => [...line.matchAll(/ dst=(\S+)/g)][1]?.[1])
    .filter((x): x is string => x !== undefined);
}

async function ping(lab: Lab, ns: string, args: string[]): Promise<void> {
  const res = await execIn(ns, 'ping', ['-n', '-c', '1', '-W', '1', ...args], { allowFailure: true });
  assert.match(res.stdout, /1 received/, `ping ${args.join(' ')} from ${ns}`);
}

describe('linux adapter: selective conntrack clean-up, in the lab', function () {
  this.timeout(60_000);
  let lab: Lab;
  let wan1: Uplink;
  let wan2: Uplink;

  before(async () => {
    lab = await adapterLab(2);
    [wan1, wan2] = [uplinkOf(lab, 1), uplinkOf(lab, 2)];
  });
  after(async () => {
    await lab?.destroy();
  });

  it('deletes only the flows NATed to or sourced from the uplink left, IPv4 and IPv6', async () => {
    const notes = new Notes();
    const adapter = new LinuxAdapter([wan1, wan2], inLab(lab, { logger: notes.logger }));
    try {
      await adapter.prepareProbing(wan2);
      await adapter.activate(wan1, context(null));
      const [t4, t6] = [lab.targets4(2), lab.targets6(1)[0]!];
      const [u1, u2] = [lab.uplink(1), lab.uplink(2)];
      // A second LAN host address whose flows the router sends out of uplink 2 (through the adapter's table 102).
      await ipIn(lab.ns.lan, ['addr', 'add', '192.0.2.3/24', 'dev', 'eth0']);
      await ipIn(lab.ns.router, ['rule', 'add', 'pref', '900', 'from', '192.0.2.3', 'lookup', '102']);
      await ping(lab, lab.ns.lan, [t4[0]!]); // NATed to uplink 1
      await ping(lab, lab.ns.lan, [t6]); // NATed to uplink 1 (IPv6 masquerade)
      await ping(lab, lab.ns.lan, ['-I', '192.0.2.3', t4[1]!]); // NATed to uplink 2
      await ping(lab, lab.ns.router, ['-I', 'wan1', t4[0]!]); // the router's own, from uplink 1
      await ping(lab, lab.ns.router, ['-I', 'wan2', t4[1]!]); // the router's own, from uplink 2
      await ping(lab, lab.ns.lan, ['192.0.2.1']); // LAN to router
      await ping(lab, u1.ispNamespace, [u1.address4]); // in to uplink 1's address
      const before4 = await replyDestinations(lab, 4);
      assert.equal(before4.filter((d) => d === u1.address4).length, 2, before4.join(' '));
      assert.ok((await replyDestinations(lab, 6)).includes(u1.address6));

      await adapter.activate(wan2, context(wan1));

      const after4 = await replyDestinations(lab, 4);
      assert.ok(!after4.includes(u1.address4), `flows of uplink 1 left: ${after4.join(' ')}`);
      assert.equal(after4.filter((d) => d === u2.address4).length, 2, 'both flows of uplink 2 kept');
      assert.ok(after4.includes(lab.uplink(1).gateway4), 'the flow coming in to uplink 1 is kept');
      assert.ok(after4.includes('192.0.2.2'), 'the LAN-to-router flow is kept');
      assert.ok(!(await replyDestinations(lab, 6)).includes(u1.address6));
      assert.ok(
        notes.infos.some((m) => /deleted 3 conntrack entries of flows NATed to wan1/.test(m)),
        notes.infos.join('\n'),
      );
    } finally {
      await adapter.close();
      await ipIn(lab.ns.router, ['rule', 'del', 'pref', '900'], { allowFailure: true });
    }
  });

  it('switches anyway, and warns once, when conntrack is not installed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wanwatch-nocontrack-'));
    const notes = new Notes();
    try {
      const ip = (await execa('sh', ['-c', 'command -v ip'])).stdout.trim();
      await symlink(ip, join(dir, 'ip'));
      const adapter = new LinuxAdapter(
        [wan1, wan2],
        inLab(lab, {
          logger: notes.logger,
          commandPrefix: ['ip', 'netns', 'exec', lab.ns.router, 'env', `PATH=${dir}`],
        }),
      );
      await adapter.activate(wan1, context(wan2));
      await adapter.activate(wan2, context(wan1));
      assert.equal(await adapter.discover([wan1, wan2]), 'wan2');
      const warned = notes.warnings.filter((w) => /conntrack is not installed/.test(w));
      assert.equal(warned.length, 1, notes.warnings.join('\n'));
      await adapter.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs no conntrack command with conntrack: off', async () => {
    const notes = new Notes();
    const adapter = new LinuxAdapter([wan1, wan2], inLab(lab, { logger: notes.logger, conntrack: 'off' }));
    await adapter.activate(wan1, context(wan2));
    assert.deepEqual(
      notes.debugs.filter((d) => d.includes('conntrack')),
      [],
    );
    await adapter.close();
  });
});
