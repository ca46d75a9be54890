/**
 * An emulated IPFire root: a temporary tree with realistic /var/ipfire
 * files (a PPPoE primary in profile 1 with a password only the Perl reader
 * sees, a QMI profile 3, empty profiles 2, 4 and 5, the settings ↔
 * settings-1 hard link, secrets 0600, everything owned by nobody as on
 * IPFire), IPFire's readhash, a `logger` that writes var/log/messages, and
 * a fake `network` script (see emulated/network) with knobs under lab/.
 */
import {
  chmodSync,
  chownSync,
  copyFileSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Uplink } from '@wanwatch/core';
import { ipfirePaths, type IpfireAdapterOptions, type IpfirePaths } from '../../src/options.js';

const EMULATED = fileURLToPath(new URL('./emulated/', import.meta.url));
const NOBODY = 65534;

/** The uplinks of the adapter tests: PPPoE primary, DHCP backup on red1, QMI third on wwan0. */
export const UPLINKS: Uplink[] = [
  { id: 'fiber', priority: 10, interface: 'ppp0', targets: ['192.0.2.10'] },
  { id: 'cable', priority: 20, interface: 'red1', targets: ['192.0.2.10'] },
  { id: 'lte', priority: 30, interface: 'wwan0', targets: ['192.0.2.10'] },
];
export const PROFILES: IpfireAdapterOptions['profiles'] = {
  fiber: { ppp: 1 },
  cable: { redType: 'DHCP', ethernet: { RED_DEV: 'red1' } },
  lte: { ppp: 3, ethernet: { RED_DEV: 'wwan0', RED_DRIVER: 'qmi_wwan' } },
};

export const ETHERNET_SETTINGS = [
  'CONFIG_TYPE=1',
  'GREEN_DEV=green0',
  'GREEN_MACADDR=52:54:00:12:34:01',
  'GREEN_DESCRIPTION=\'"pci: Intel Corporation 82574L Gigabit Network Connection"\'',
  'GREEN_DRIVER=e1000e',
  'GREEN_ADDRESS=192.0.2.1',
  'GREEN_NETMASK=255.255.255.0',
  'GREEN_NETADDRESS=192.0.2.0',
  'RED_DEV=red0',
  'RED_MACADDR=52:54:00:12:34:02',
  'RED_DESCRIPTION=\'"pci: Realtek Semiconductor RTL8111"\'',
  'RED_DRIVER=r8169',
  'RED_TYPE=PPPOE',
  'RED_ADDRESS=0.0.0.0',
  'RED_NETMASK=0.0.0.0',
  'RED_NETADDRESS=0.0.0.0',
  'DEFAULT_GATEWAY=0.0.0.0',
  'RED_DHCP_HOSTNAME=ipfire',
  '',
].join('\n');

export const PRIMARY_USER = 'fiber@isp.example';
/** Only the Perl reader (the web interface, which writes secrets) sees this password. */
export const PRIMARY_PASSWORD = 'pa!ss$1';

export const PROFILE_1 = [
  'PROFILE=1',
  "PROFILENAME='Fiber PPPoE'",
  'TYPE=pppoe',
  `USERNAME=${PRIMARY_USER}`,
  `PASSWORD=${PRIMARY_PASSWORD}`,
  'AUTH=pap-or-chap',
  'RECONNECTION=persistent',
  'AUTOCONNECT=on',
  'MAXRETRIES=5',
  'HOLDOFF=30',
  'TIMEOUT=15',
  'BACKUPPROFILE=1',
  'MTU=1492',
  'DEBUG=off',
  'VALID=yes',
  '',
].join('\n');

export const PROFILE_3 = [
  'PROFILE=3',
  "PROFILENAME='LTE QMI'",
  'TYPE=qmi',
  'APN=internet.example',
  'USERNAME=lte',
  'PASSWORD=lte-pass',
  'AUTH=pap-or-chap',
  'MAXRETRIES=5',
  'BACKUPPROFILE=3',
  'VALID=yes',
  '',
].join('\n');

/** Per RED interface: its address, the peer/gateway, and an IPv6 gateway (lab only). */
export interface LinkSpec {
  readonly local: string;
  readonly remote: string;
  readonly gateway6?: string;
}

/** Options of {@link IpfireRoot.create}. */
export interface RootOptions {
  readonly links?: Readonly<Record<string, LinkSpec>>;
  /** The interface PPP profiles come up on. Default ppp0. */
  readonly pppIface?: string;
  /** Let the network script switch the default route. Only inside a lab namespace. */
  readonly routes?: boolean;
  readonly pppDelayS?: number;
  readonly dhcpDelayS?: number;
  /** Where the temporary tree goes. Default the OS temp dir (the crash test uses tmpfs: fsync there is free). */
  readonly base?: string;
}

/** One emulated IPFire. */
export class IpfireRoot {
  readonly paths: IpfirePaths;

  private constructor(readonly dir: string) {
    this.paths = ipfirePaths(dir);
  }

  static create(options: RootOptions = {}): IpfireRoot {
    const dir = mkdtempSync(join(options.base ?? tmpdir(), 'wanwatch-ipfire-'));
    const root = new IpfireRoot(dir);
    const v = (p: string) => join(dir, 'var/ipfire', p);
    for (const d of ['ethernet', 'ppp', 'red', 'dhcpc', 'wanwatch'])
      mkdirSync(v(d), { recursive: true, mode: d === 'wanwatch' ? 0o700 : 0o755 });
    for (const d of [
      'usr/local/bin',
      'usr/bin',
      'etc/rc.d/init.d/networking/red.up',
      'etc/rc.d/init.d/networking/red.down',
      'var/log',
      'lab',
    ])
      mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(v('ethernet/settings'), ETHERNET_SETTINGS);
    writeFileSync(v('ppp/settings-1'), PROFILE_1);
    writeFileSync(v('ppp/settings-3'), PROFILE_3);
    for (const n of [2, 4, 5]) writeFileSync(v(`ppp/settings-${n}`), '');
    linkSync(v('ppp/settings-1'), v('ppp/settings'));
    writeFileSync(v('ppp/secrets'), `'${PRIMARY_USER}' * '${PRIMARY_PASSWORD}'\n`, { mode: 0o600 });
    writeFileSync(v('red/iface'), 'ppp0');
    for (const f of [
      'ethernet/settings',
      'ppp/settings-1',
      'ppp/settings-2',
      'ppp/settings-3',
      'ppp/settings-4',
      'ppp/settings-5',
      'ppp/secrets',
    ])
      chownSync(v(f), NOBODY, NOBODY);
    copyFileSync(join(EMULATED, 'readhash'), join(dir, 'usr/local/bin/readhash'));
    copyFileSync(join(EMULATED, 'logger'), join(dir, 'usr/bin/logger'));
    copyFileSync(join(EMULATED, 'network'), join(dir, 'etc/rc.d/init.d/network'));
    for (const f of ['usr/local/bin/readhash', 'usr/bin/logger', 'etc/rc.d/init.d/network'])
      chmodSync(join(dir, f), 0o755);
    const hook = join(dir, 'etc/rc.d/init.d/networking/red.up/20-firewall');
    writeFileSync(
      hook,
      `#!/bin/sh\necho "firewall up on $(cat ${join(dir, 'var/ipfire/red/iface')})" >> ${join(dir, 'lab/hooks')}\n`,
    );
    chmodSync(hook, 0o755);
    writeFileSync(join(dir, 'lab/accounts'), `'${PRIMARY_USER}' * '${PRIMARY_PASSWORD}'\n'lte' * 'lte-pass'\n`);
    const links = Object.entries(options.links ?? {}).map(
      ([i, l]) => `${i} ${l.local} ${l.remote} ${l.gateway6 ?? ''}\n`,
    );
    writeFileSync(join(dir, 'lab/links'), links.join(''));
    if (options.pppIface) writeFileSync(join(dir, 'lab/ppp-iface'), options.pppIface);
    if (options.routes) writeFileSync(join(dir, 'lab/routes'), '');
    root.setDelays(options.pppDelayS ?? 0, options.dhcpDelayS ?? 0);
    return root;
  }

  /** A file under the root. */
  path(rel: string): string {
    return join(this.dir, rel);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'latin1');
  }

  stat(rel: string) {
    return statSync(this.path(rel));
  }

  /** Marks RED up on `iface` as IPFire would after boot. */
  redUp(iface: string, local = '203.0.113.10', remote = '203.0.113.1'): void {
    writeFileSync(this.path('var/ipfire/red/iface'), iface);
    writeFileSync(this.path('var/ipfire/red/local-ipaddress'), local);
    writeFileSync(this.path('var/ipfire/red/remote-ipaddress'), remote);
    writeFileSync(this.path('var/ipfire/red/active'), '');
  }

  setDelays(pppS: number, dhcpS: number): void {
    writeFileSync(this.path('lab/ppp-delay'), String(pppS));
    writeFileSync(this.path('lab/dhcp-delay'), String(dhcpS));
  }

  /** Makes `network start|stop red` fail (or work again). */
  fail(action: 'start' | 'stop', on: boolean): void {
    const f = this.path(`lab/fail-${action}`);
    if (on) writeFileSync(f, '');
    else rmSync(f, { force: true });
  }

  /** The network script's calls so far. */
  calls(): string[] {
    try {
      return this.read('lab/calls').trim().split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  /** What the emulated syslog got. */
  messages(): string[] {
    try {
      return this.read('var/log/messages').trim().split('\n');
    } catch {
      return [];
    }
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
