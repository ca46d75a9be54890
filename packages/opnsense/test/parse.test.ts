import assert from 'node:assert/strict';
import { ConfigError } from '@wanwatch/core';
import {
  buildInterfaceMap,
  namesFromConfigXml,
  parseDefaultRoute,
  parseDefaultRoutes,
  parseIfconfig,
  roleOf,
} from '../src/index.js';

const IFCONFIG = `vtnet0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500
\tether 58:9c:fc:00:00:01
\tinet 192.0.2.2 netmask 0xffffff00 broadcast 192.0.2.255
\tinet 192.0.2.1 netmask 0xffffff00 broadcast 192.0.2.255 vhid 1
\tinet6 fe80::1%vtnet0 prefixlen 64 scopeid 0x1
\tinet6 2001:db8:c::1 prefixlen 64 vhid 2
\tcarp: BACKUP vhid 1 advbase 1 advskew 100
\t      peer 224.0.0.18 peer6 ff02::12
\tcarp: MASTER vhid 2 advbase 1 advskew 0
\t      peer 224.0.0.18 peer6 ff02::12
\tstatus: active
vtnet1: flags=1008802<BROADCAST,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500
\tstatus: no carrier
`;

const CONFIG_XML = `<?xml version="1.0"?>
<opnsense>
  <interfaces>
    <wan><enable>1</enable><if>vtnet1</if><ipaddr>dhcp</ipaddr></wan>
    <lan><if>vtnet0</if><ipaddr>192.0.2.2</ipaddr></lan>
    <opt1><descr>LTE</descr><if>vtnet2</if><ipaddr>dhcp</ipaddr></opt1>
  </interfaces>
  <gateways><gateway_item><interface>wan</interface></gateway_item></gateways>
</opnsense>`;

describe('reading OPNsense and FreeBSD output', () => {
  it('reads interfaces, addresses, vhid addresses and CARP lines from ifconfig', () => {
    const [lan, wan] = parseIfconfig(IFCONFIG);
    assert.equal(lan!.up, true);
    assert.deepEqual(lan!.ipv4, [
      { address: '192.0.2.2', bits: 24, vhid: undefined },
      { address: '192.0.2.1', bits: 24, vhid: 1 },
    ]);
    assert.deepEqual(lan!.ipv6, [{ address: '2001:db8:c::1', bits: 64, vhid: 2 }]);
    assert.deepEqual(lan!.carp, [
      { state: 'BACKUP', vhid: 1, advbase: 1, advskew: 100 },
      { state: 'MASTER', vhid: 2, advbase: 1, advskew: 0 },
    ]);
    assert.equal(wan!.up, false);
    assert.equal(wan!.status, 'no carrier');
  });

  it('finds the default route in netstat -rn output', () => {
    const text =
      'Routing tables\n\nInternet:\nDestination Gateway Flags Netif Expire\ndefault 198.51.100.1 UGS vtnet1\n';
    assert.deepEqual(parseDefaultRoute(text), { gateway: '198.51.100.1', device: 'vtnet1' });
    assert.equal(parseDefaultRoute('Internet:\n127.0.0.1 link#3 UH lo0\n'), null);
    const both = `Routing tables\n\nInternet:\ndefault 198.51.100.1 UGS vtnet1\n\nInternet6:\nDestination Gateway Flags Netif Expire\ndefault fe80::1%vtnet2 UG vtnet2\n`;
    assert.deepEqual(parseDefaultRoutes(both), {
      4: { gateway: '198.51.100.1', device: 'vtnet1' },
      6: { gateway: 'fe80::1%vtnet2', device: 'vtnet2' },
    });
    assert.deepEqual(parseDefaultRoutes('Internet:\n\nInternet6:\ndefault 2001:db8::1 UG vtnet1\n')[4], null);
  });

  it('maps uplinks to devices and OPNsense names from config.xml, with the option winning', () => {
    assert.deepEqual(
      [...namesFromConfigXml(CONFIG_XML)],
      [
        ['vtnet1', 'wan'],
        ['vtnet0', 'lan'],
        ['vtnet2', 'opt1'],
      ],
    );
    const map = buildInterfaceMap({
      uplinks: [
        { id: 'fiber', interface: 'vtnet1' },
        { id: 'lte', interface: 'vtnet2' },
        { id: 'dsl', interface: 'vtnet3' },
      ],
      overrides: { dsl: 'opt2' },
      configXml: CONFIG_XML,
      devices: new Set(['vtnet0', 'vtnet1', 'vtnet2', 'vtnet3']),
    });
    assert.deepEqual(map, [
      { uplink: 'fiber', device: 'vtnet1', name: 'wan', source: 'config.xml' },
      { uplink: 'lte', device: 'vtnet2', name: 'opt1', source: 'config.xml' },
      { uplink: 'dsl', device: 'vtnet3', name: 'opt2', source: 'option' },
    ]);
  });

  it('names every uplink it cannot map, and the device configctl does not know', () => {
    assert.throws(
      () =>
        buildInterfaceMap({
          uplinks: [
            { id: 'fiber', interface: 'vtnet7' },
            { id: 'lte', interface: 'vtnet9' },
          ],
          overrides: {},
          configXml: null,
          devices: new Set(['vtnet7']),
        }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.issues.length === 3 &&
        /opnsense\.interfaces\.fiber/.test(err.message) &&
        /knows no device vtnet9/.test(err.message),
    );
  });

  it('gives the decisive vhid the say, else master only when every vhid is MASTER', () => {
    const states = new Map([
      ['1@vtnet0', 'BACKUP' as const],
      ['2@vtnet0', 'MASTER' as const],
    ]);
    assert.equal(roleOf(states, '2'), 'master');
    assert.equal(roleOf(states, '1@vtnet0'), 'backup');
    assert.equal(roleOf(states, null), 'backup');
    assert.equal(roleOf(new Map([['2@vtnet0', 'MASTER' as const]]), null), 'master');
    assert.equal(roleOf(states, '3'), null);
  });
});
