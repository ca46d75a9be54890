import assert from 'node:assert/strict';
import { resolveOptions } from '../../src/options.js';
import {
  probeRoutingCommands,
  removalCommands,
  type ProbeRoutingPlan,
  type RoutingState,
  type RuleBlock,
} from '../../src/probing/policy-routing.js';
import { parseRoutes, parseRules, type LinkEntry } from '../../src/state/ip-json.js';

const [wan1, wan2] = resolveOptions([
  { id: 'wan1', priority: 10, interface: 'wan1', targets: [] },
  { id: 'wan2', priority: 20, interface: 'wan2', targets: [] },
]).uplinks as [never, never];
const block: RuleBlock = { first: 1000, last: 1001, tables: new Set([101, 102]) };
const link: LinkEntry = {
  ifindex: 3,
  name: 'wan2',
  flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
  linkType: 'ether',
  addresses: { 4: ['100.64.2.2'], 6: ['2001:db8:a2::2'] },
};
const plan: ProbeRoutingPlan = {
  uplink: wan2,
  link,
  routes: {
    4: { family: 4, gateway: '100.64.2.1', dev: 'wan2' },
    6: { family: 6, gateway: '2001:db8:a2::1', dev: 'wan2' },
  },
};
const empty: RoutingState = { routes: { 4: [], 6: [] }, rules: { 4: [], 6: [] } };

/** The state once every command of `plan` has run. */
const done: RoutingState = {
  routes: {
    4: parseRoutes('[{"dst":"default","gateway":"100.64.2.1","dev":"wan2","table":"102","flags":[]}]', 4),
    6: parseRoutes(
      '[{"dst":"default","gateway":"2001:db8:a2::1","dev":"wan2","table":"102","metric":1024,"flags":["onlink"]}]',
      6,
    ),
  },
  rules: {
    4: parseRules(
      '[{"priority":1001,"src":"all","oif":"wan2","table":"102"},{"priority":1001,"src":"100.64.2.2","table":"102"}]',
      4,
    ),
    6: parseRules(
      '[{"priority":1001,"src":"all","oif":"wan2","table":"102"},{"priority":1001,"src":"2001:db8:a2::2","table":"102"}]',
      6,
    ),
  },
};

const show = (commands: string[][]) => commands.map((c) => c.join(' '));

describe('probe routing plans', () => {
  it('makes the table routes first, then an oif rule and a from rule per address, per family', () => {
    assert.deepEqual(show(probeRoutingCommands(plan, empty, block)), [
      'ip -4 route replace default via 100.64.2.1 dev wan2 table 102',
      'ip -6 route replace default via 2001:db8:a2::1 dev wan2 table 102 onlink',
      'ip -4 rule add pref 1001 oif wan2 lookup 102',
      'ip -4 rule add pref 1001 from 100.64.2.2 lookup 102',
      'ip -6 rule add pref 1001 oif wan2 lookup 102',
      'ip -6 rule add pref 1001 from 2001:db8:a2::2 lookup 102',
    ]);
  });

  it('does nothing when everything is there', () => {
    assert.deepEqual(probeRoutingCommands(plan, done, block), []);
  });

  it('replaces a table route whose gateway changed, and deletes the rule of an old address', () => {
    const moved: RoutingState = {
      routes: {
        4: parseRoutes('[{"dst":"default","gateway":"100.64.2.9","dev":"wan2","table":"102"}]', 4),
        6: done.routes[6],
      },
      rules: {
        4: [...done.rules[4], ...parseRules('[{"priority":1001,"src":"100.64.2.7","table":"102"}]', 4)],
        6: done.rules[6],
      },
    };
    assert.deepEqual(show(probeRoutingCommands(plan, moved, block)), [
      'ip -4 route replace default via 100.64.2.1 dev wan2 table 102',
      'ip -4 rule del pref 1001 from 100.64.2.7 lookup 102',
    ]);
  });

  it('never touches rules outside its block, of other tables, or with other selectors', () => {
    const foreign = parseRules(
      JSON.stringify([
        { priority: 900, src: '100.64.2.7', table: '102' },
        { priority: 1001, src: '100.64.2.7', table: '55' },
        { priority: 1001, src: 'all', fwmark: '0x7', table: '102' },
        { priority: 1001, src: 'all', iif: 'lan0', table: '102' },
      ]),
      4,
    );
    const state: RoutingState = { ...done, rules: { 4: [...done.rules[4], ...foreign], 6: done.rules[6] } };
    assert.deepEqual(probeRoutingCommands(plan, state, block), []);
  });

  it('adds only the oif rule for a device that is gone, keeping its other rules until it is back', () => {
    const gone: ProbeRoutingPlan = { ...plan, link: undefined };
    assert.deepEqual(show(probeRoutingCommands(gone, empty, block)), [
      'ip -4 rule add pref 1001 oif wan2 lookup 102',
      'ip -6 rule add pref 1001 oif wan2 lookup 102',
    ]);
    assert.deepEqual(probeRoutingCommands(gone, done, block), []);
  });

  it('routes a point-to-point device without a next hop, and leaves out a family it cannot carry', () => {
    const p2p: ProbeRoutingPlan = { ...plan, routes: { 4: { family: 4, gateway: null, dev: 'wan2' }, 6: null } };
    assert.deepEqual(show(probeRoutingCommands(p2p, empty, block)), [
      'ip -4 route replace default dev wan2 table 102',
      'ip -4 rule add pref 1001 oif wan2 lookup 102',
      'ip -4 rule add pref 1001 from 100.64.2.2 lookup 102',
    ]);
  });

  it('removes its rules and flushes its table, for the uplink asked', () => {
    assert.deepEqual(show(removalCommands(wan2, done, block)), [
      'ip -4 rule del pref 1001 oif wan2 lookup 102',
      'ip -4 rule del pref 1001 from 100.64.2.2 lookup 102',
      'ip -4 route flush table 102',
      'ip -6 rule del pref 1001 oif wan2 lookup 102',
      'ip -6 rule del pref 1001 from 2001:db8:a2::2 lookup 102',
      'ip -6 route flush table 102',
    ]);
    assert.deepEqual(removalCommands(wan1, done, block), []);
  });
});
