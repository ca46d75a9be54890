import assert from 'node:assert/strict';
import { WanwatchError } from '@wanwatch/core';
import { hasCarrier, isPointToPoint, parseLinks, parseRoutes, parseRules } from '../../src/state/ip-json.js';
import { learnGateway } from '../../src/routes/gateways.js';
import { effectiveDefault, shadowingRoute } from '../../src/routes/default-route.js';

const own = { tables: new Set([101, 102]), metric: 10 };

describe('reading ip -json', () => {
  const routes = parseRoutes(
    JSON.stringify([
      { dst: 'default', gateway: '100.64.2.1', dev: 'wan2', table: '200', flags: [] },
      { dst: 'default', gateway: '100.64.2.5', dev: 'wan2', table: '102', flags: [] },
      { dst: 'default', gateway: '100.64.1.1', dev: 'wan1', protocol: '16', metric: 100, flags: [] },
      { dst: 'default', gateway: '100.64.1.1', dev: 'wan1', metric: 10, flags: [] },
      { type: 'blackhole', dst: 'default', metric: 4000, flags: [] },
    ]),
    4,
  );

  it('reads routes with numeric tables, the main table when none is printed', () => {
    assert.deepEqual(
      routes.map((r) => [r.table, r.metric, r.type, r.dev ?? '-']),
      [
        [200, 0, 'unicast', 'wan2'],
        [102, 0, 'unicast', 'wan2'],
        [254, 100, 'unicast', 'wan1'],
        [254, 10, 'unicast', 'wan1'],
        [254, 4000, 'blackhole', '-'],
      ],
    );
    assert.equal(effectiveDefault(routes)?.metric, 10);
  });

  it("learns a gateway from someone else's route only, main table first", () => {
    assert.equal(learnGateway(routes, 'wan2', 4, own), '100.64.2.1', 'not from table 102, which is ours');
    assert.equal(learnGateway(routes, 'wan1', 4, own), '100.64.1.1');
    assert.equal(learnGateway(routes, 'wan3', 4, own), null);
  });

  it('finds a foreign route that wins over ours on another device', () => {
    const withLow = [...routes, ...parseRoutes('[{"dst":"default","gateway":"100.64.3.1","dev":"wan3"}]', 4)];
    assert.equal(shadowingRoute(withLow, 10, 'wan1')?.dev, 'wan3');
    assert.equal(shadowingRoute(withLow, 10, 'wan3'), undefined);
  });

  it('reads rules, a detached oif rule as ours-shaped, other selectors as foreign', () => {
    const rules = parseRules(
      JSON.stringify([
        { priority: 1000, src: 'all', oif: 'wan1', oif_detached: null, table: '101' },
        { priority: 1000, src: '100.64.1.0', srclen: 24, table: '101' },
        { priority: 1001, src: 'all', fwmark: '0x3', table: '101' },
        { priority: 1002, src: 'all', action: '7' },
      ]),
      4,
    );
    assert.deepEqual(
      rules.map((r) => [r.pref, r.src, r.oif ?? '-', r.table ?? '-', r.other]),
      [
        [1000, 'all', 'wan1', 101, false],
        [1000, '100.64.1.0/24', '-', 101, false],
        [1001, 'all', '-', 101, true],
        [1002, 'all', '-', '-', true],
      ],
    );
  });

  it('reads devices: global addresses only, tentative IPv6 ones left out, carrier and point-to-point', () => {
    const [eth, tun] = parseLinks(
      JSON.stringify([
        {
          ifindex: 3,
          ifname: 'wan1',
          flags: ['BROADCAST', 'UP', 'LOWER_UP'],
          link_type: 'ether',
          addr_info: [
            { family: 'inet', local: '100.64.1.2', prefixlen: 24, scope: 'global' },
            { family: 'inet6', local: '2001:DB8:A1::2', prefixlen: 64, scope: 'global' },
            { family: 'inet6', local: '2001:db8:a1::3', prefixlen: 64, scope: 'global', tentative: true },
            { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
          ],
        },
        { ifindex: 4, ifname: 'wwan0', flags: ['NO-CARRIER', 'POINTOPOINT', 'NOARP', 'UP'], link_type: 'none' },
      ]),
    );
    assert.deepEqual(eth!.addresses, { 4: ['100.64.1.2'], 6: ['2001:db8:a1::2'] });
    assert.deepEqual([hasCarrier(eth!), isPointToPoint(eth!)], [true, false]);
    assert.deepEqual([hasCarrier(tun!), isPointToPoint(tun!)], [false, true]);
  });

  it('says which command printed something that is not JSON', () => {
    assert.throws(
      () => parseRoutes('Error: ipv4: FIB table does not exist.', 4, ['ip', '-json', 'route']),
      (err: unknown) =>
        err instanceof WanwatchError && err.code === 'E_ADAPTER' && /ip -json route printed no JSON/.test(err.message),
    );
  });
});
