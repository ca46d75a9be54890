/**
 * The adapter against an emulated IPFire root (no network): the order of
 * the network script's calls, the files it leaves, failures and crashes.
 */
import assert from 'node:assert/strict';
import { linkSync, rmSync, writeFileSync } from 'node:fs';
import type { ActivateContext } from '@wanwatch/core';
import { IpfireAdapter } from '../src/adapter.js';
import type { IpfireAdapterOptions } from '../src/options.js';
import { Journal } from '../src/switch/journal.js';
import { readRedFiles } from '../src/switch/red-files.js';
import {
  ETHERNET_SETTINGS,
  IpfireRoot,
  PROFILES,
  UPLINKS,
  PRIMARY_PASSWORD,
  PRIMARY_USER,
  PROFILE_1,
} from './support/ipfire-root.js';

const ctx = (previous: string | null = null): ActivateContext => ({
  previous: UPLINKS.find((u) => u.id === previous) ?? null,
  reason: 'failover',
  signal: new AbortController().signal,
});
const uplink = (id: string) => UPLINKS.find((u) => u.id === id)!;

describe('IpfireAdapter (emulated IPFire root)', function () {
  this.timeout(10_000);
  let root: IpfireRoot;
  let warnings: string[];

  const adapter = (extra: Partial<IpfireAdapterOptions> = {}) =>
    new IpfireAdapter(UPLINKS, {
      profiles: PROFILES,
      root: root.dir,
      loggerCommand: root.path('usr/bin/logger'),
      pollMs: 20,
      upTimeoutMs: 3000,
      logger: { warn: (m) => warnings.push(m) },
      ...extra,
    });

  beforeEach(() => {
    root = IpfireRoot.create();
    root.redUp('ppp0');
    warnings = [];
  });
  afterEach(() => root.dispose());

  it('finds the PPPoE primary active at start-up, from RED state and the files', async () => {
    assert.equal(await adapter().discover(UPLINKS), 'fiber');
  });

  it('finds the primary even after connectd copied its profile over ppp/settings', async () => {
    rmSync(root.path('var/ipfire/ppp/settings'));
    writeFileSync(root.path('var/ipfire/ppp/settings'), PROFILE_1);
    assert.equal(await adapter().discover(UPLINKS), 'fiber');
  });

  it('reports no active uplink while RED is down', async () => {
    rmSync(root.path('var/ipfire/red/active'));
    assert.equal(await adapter().discover(UPLINKS), null);
  });

  it('switches PPPoE → DHCP backup: stop red, then RED_TYPE/RED_DEV, then start red; owner and mode kept', async () => {
    const a = adapter();
    await a.activate(uplink('cable'), ctx('fiber'));
    assert.deepEqual(
      root.calls().map((c) => c.split(' RED_DEV')[0]),
      ['stop red RED_TYPE=PPPOE', 'start red RED_TYPE=DHCP'],
    );
    const text = root.read('var/ipfire/ethernet/settings');
    assert.equal(
      text,
      ETHERNET_SETTINGS.replace('RED_DEV=red0', 'RED_DEV=red1').replace('RED_TYPE=PPPOE', 'RED_TYPE=DHCP'),
    );
    const st = root.stat('var/ipfire/ethernet/settings');
    assert.equal(st.uid, 65534);
    assert.equal(st.mode & 0o777, 0o644);
    assert.equal(root.read('var/ipfire/red/iface'), 'red1');
    assert.equal(root.read('var/ipfire/red/current-profile'), 'cable\n');
    assert.match(root.read('var/ipfire/wanwatch/active'), /^UPLINK=cable$/m);
    assert.equal(await a.discover(UPLINKS), 'cable');
    assert.ok(root.messages().some((m) => / red: wanwatch: RED switched to cable \(RED_TYPE=DHCP, red1\)/.test(m)));
  });

  it('brings the primary back byte for byte, its profile still hard-linked and its password intact', async () => {
    const a = adapter();
    await a.activate(uplink('cable'), ctx('fiber'));
    await a.activate(uplink('fiber'), ctx('cable'));
    assert.equal(root.read('var/ipfire/ethernet/settings'), ETHERNET_SETTINGS);
    assert.equal(root.read('var/ipfire/ppp/settings-1'), PROFILE_1);
    assert.equal(root.stat('var/ipfire/ppp/settings').ino, root.stat('var/ipfire/ppp/settings-1').ino);
    assert.equal(root.read('var/ipfire/ppp/secrets'), `'${PRIMARY_USER}' * '${PRIMARY_PASSWORD}'\n`);
    assert.equal(root.read('var/ipfire/red/iface'), 'ppp0');
  });

  it('switches to the QMI profile: link to settings-3, its own credentials in secrets (0600), RED_DEV on the modem', async () => {
    const a = adapter();
    await a.activate(uplink('lte'), ctx('fiber'));
    assert.equal(root.stat('var/ipfire/ppp/settings').ino, root.stat('var/ipfire/ppp/settings-3').ino);
    assert.equal(root.read('var/ipfire/ppp/secrets'), "'lte' * 'lte-pass'\n");
    const secrets = root.stat('var/ipfire/ppp/secrets');
    assert.equal(secrets.mode & 0o777, 0o600);
    assert.equal(secrets.uid, 65534);
    assert.match(
      root.read('var/ipfire/ethernet/settings'),
      /^RED_DEV=wwan0\nRED_MACADDR=.*\nRED_DESCRIPTION=.*\nRED_DRIVER=qmi_wwan\nRED_TYPE=PPPOE\n/m,
    );
    // Back to PPPoE: pppd (emulated) only accepts the primary's own credentials, ! and $ included.
    await a.activate(uplink('fiber'), ctx('lte'));
    assert.equal(root.read('var/ipfire/ppp/secrets'), `'${PRIMARY_USER}' * '${PRIMARY_PASSWORD}'\n`);
    assert.equal(root.read('var/ipfire/ethernet/settings'), ETHERNET_SETTINGS);
  });

  it('waits for DHCP to come up after start returned', async () => {
    root.setDelays(0, 0.4);
    const started = Date.now();
    await adapter().activate(uplink('cable'), ctx('fiber'));
    assert.ok(Date.now() - started >= 350, `up after ${Date.now() - started} ms`);
    assert.equal(root.read('var/ipfire/red/iface'), 'red1');
  });

  it('restores every file and restarts RED on the previous profile when start fails', async () => {
    const before = await readRedFiles(root.paths);
    root.fail('start', true);
    const a = adapter();
    await assert.rejects(a.activate(uplink('cable'), ctx('fiber')), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_ACTIVATE_FAILED');
      assert.match(err.message, /network start red failed: exit 1 \(network: start red failed \(emulated\)\)/);
      return true;
    });
    assert.deepEqual(await readRedFiles(root.paths), before);
    assert.equal(await new Journal(root.paths).open(), null);
    root.fail('start', false);
    await a.discover(UPLINKS); // queued behind the background restart
    assert.deepEqual(
      root.calls().map((c) => c.split(' ')[0]),
      ['stop', 'start', 'stop', 'start'],
    );
    assert.equal(root.read('var/ipfire/red/iface'), 'ppp0');
    assert.ok(root.messages().some((m) => /red: wanwatch: switch to cable failed, files restored/.test(m)));
  });

  it('gives up when RED does not come up in time, and restores the files', async () => {
    root.setDelays(0, 30);
    await assert.rejects(
      adapter({ upTimeoutMs: 300 }).activate(uplink('cable'), ctx('fiber')),
      /did not finish within 300 ms/,
    );
    assert.equal(root.read('var/ipfire/ethernet/settings'), ETHERNET_SETTINGS);
  });

  it("refuses a profile whose password has a ' before touching anything, naming file, line and key", async () => {
    writeFileSync(root.path('var/ipfire/ppp/settings-3'), "PROFILE=3\nTYPE=qmi\nUSERNAME=lte\nPASSWORD=it's\n");
    await assert.rejects(
      adapter().activate(uplink('lte'), ctx('fiber')),
      /settings-3: line 4: PASSWORD: contains a ' or a line break/,
    );
    assert.deepEqual(root.calls(), []);
    assert.equal(root.read('var/ipfire/ethernet/settings'), ETHERNET_SETTINGS);
  });

  it('undoes a switch a crash interrupted after writing the files: RED stopped, files back', async () => {
    const journal = new Journal(root.paths);
    const files = await readRedFiles(root.paths);
    const entry = await journal.begin('fiber', 'lte', files);
    await journal.advance(entry, 'written');
    writeFileSync(root.path('var/ipfire/ethernet/settings'), 'RED_TYPE=PPPOE\nRED_DEV=wwan0\n');
    rmSync(root.path('var/ipfire/ppp/settings'));
    linkSync(root.path('var/ipfire/ppp/settings-3'), root.path('var/ipfire/ppp/settings'));
    writeFileSync(root.path('var/ipfire/ppp/secrets'), "'lte' * 'lte-pass'\n");
    assert.equal(await adapter().discover(UPLINKS), null);
    assert.deepEqual(await readRedFiles(root.paths), files);
    assert.equal(await journal.open(), null);
    assert.deepEqual(root.calls(), ['stop red RED_TYPE=PPPOE RED_DEV=wwan0 TYPE=qmi']);
    assert.ok(warnings.some((w) => /interrupted switch fiber → lte \(written\) was undone/.test(w)));
  });

  it("makes connectd only re-dial: BACKUPPROFILE set to the profile's own number, link kept, original saved", async () => {
    writeFileSync(root.path('var/ipfire/ppp/settings-1'), PROFILE_1.replace('BACKUPPROFILE=1', 'BACKUPPROFILE=3'));
    await adapter().discover(UPLINKS);
    assert.equal(root.read('var/ipfire/ppp/settings-1'), PROFILE_1);
    assert.equal(root.stat('var/ipfire/ppp/settings').ino, root.stat('var/ipfire/ppp/settings-1').ino);
    assert.match(root.read('var/ipfire/wanwatch/backup/settings-1.before-wanwatch'), /BACKUPPROFILE=3/);
  });

  it('with connectd: leave, only warns about a foreign BACKUPPROFILE', async () => {
    writeFileSync(root.path('var/ipfire/ppp/settings-1'), PROFILE_1.replace('BACKUPPROFILE=1', 'BACKUPPROFILE=3'));
    await adapter({ connectd: 'leave' }).discover(UPLINKS);
    assert.match(root.read('var/ipfire/ppp/settings-1'), /BACKUPPROFILE=3/);
    assert.ok(warnings.some((w) => /BACKUPPROFILE=3: connectd may switch/.test(w)));
  });

  it('keeps edits the user made in the web interface while a backup was active, but not the backup keys', async () => {
    const a = adapter();
    await a.activate(uplink('cable'), ctx('fiber'));
    const edited = root
      .read('var/ipfire/ethernet/settings')
      .replace('RED_DHCP_HOSTNAME=ipfire', 'RED_DHCP_HOSTNAME=gw');
    writeFileSync(root.path('var/ipfire/ethernet/settings'), edited);
    await a.activate(uplink('fiber'), ctx('cable'));
    assert.equal(
      root.read('var/ipfire/ethernet/settings'),
      ETHERNET_SETTINGS.replace('HOSTNAME=ipfire', 'HOSTNAME=gw'),
    );
  });

  it('switches to a STATIC RED with its address and gateway, and back to the PPPoE file byte for byte', async () => {
    const uplinks = [UPLINKS[0]!, { id: 'fixed', priority: 20, interface: 'red2', targets: ['192.0.2.10'] }];
    const fixed = {
      RED_DEV: 'red2',
      RED_ADDRESS: '198.51.100.2',
      RED_NETMASK: '255.255.255.0',
      DEFAULT_GATEWAY: '198.51.100.1',
    };
    const a = new IpfireAdapter(uplinks, {
      profiles: { fiber: { ppp: 1 }, fixed: { redType: 'STATIC', ethernet: fixed } },
      root: root.dir,
      syslogTag: null,
      pollMs: 20,
    });
    await a.activate(uplinks[1]!, ctx('fiber'));
    const text = root.read('var/ipfire/ethernet/settings');
    assert.match(text, /^RED_TYPE=STATIC$/m);
    for (const [k, v] of Object.entries(fixed)) assert.match(text, new RegExp(`^${k}=${v}$`, 'm'));
    assert.equal(root.read('var/ipfire/red/iface'), 'red2');
    await a.activate(uplinks[0]!, ctx('fixed'));
    assert.equal(root.read('var/ipfire/ethernet/settings'), ETHERNET_SETTINGS);
  });

  it('does nothing when asked for the profile RED is already on', async () => {
    await adapter().activate(uplink('fiber'), ctx(null));
    assert.deepEqual(root.calls(), []);
    assert.equal(root.read('var/ipfire/red/current-profile'), 'fiber\n');
  });
});
