/**
 * The emulated OPNsense box on a netlab router (for the end-to-end test and
 * the benchmark): FreeBSD/OPNsense commands whose changes are made in the
 * router namespace, wan1 = OPNsense `wan` (up, holding the default routes),
 * wan2 = `opt1` (dark, as singleton mode leaves a standby WAN), and a
 * config.xml that assigns them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '@wanwatch/netlab';
import { FakeBsd, type FakeInterface } from '../../packages/opnsense/test/emulation/fake-bsd.js';

export interface LabBox {
  readonly box: FakeBsd;
  /** The config.xml to give the adapter. */
  readonly configXml: string;
}

export function opnsenseBoxOn(lab: Lab): LabBox {
  const wan = (i: number, name: string): FakeInterface => {
    const u = lab.uplink(i);
    return {
      name,
      up: true,
      ipv4: [{ address: u.address4, bits: 24, dynamic: true }],
      ipv6: [{ address: u.address6, bits: 64, dynamic: true }],
      lease4: { address: u.address4, bits: 24, gateway: u.gateway4 },
      lease6: { address: u.address6, bits: 64, gateway: u.gateway6 },
    };
  };
  const [u1, u2] = [lab.uplink(1), lab.uplink(2)];
  const box = new FakeBsd({
    interfaces: { [u1.device]: wan(1, 'wan'), [u2.device]: wan(2, 'opt1') },
    routes: {
      inet: { gateway: u1.gateway4, interface: u1.device },
      inet6: { gateway: u1.gateway6, interface: u1.device },
    },
    services: { rtsold: true, dhcp6c: true, radvd: true },
    sysctl: { 'net.pfsync.carp_demotion_factor': '0' },
    faults: {},
    lab: lab.ns.router,
  });
  const r = box.run('configctl', 'interface', 'linkup', 'stop', u2.device);
  if (r.code !== 0) throw new Error(`emulated linkup stop failed: ${r.stderr}`);
  box.clearCalls();
  const configXml = join(box.dir, 'config.xml');
  writeFileSync(
    configXml,
    `<opnsense><interfaces><wan><if>${u1.device}</if></wan><opt1><if>${u2.device}</if></opt1></interfaces></opnsense>\n`,
  );
  return { box, configXml };
}
