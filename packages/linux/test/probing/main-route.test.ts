import assert from 'node:assert/strict';
import { resolveOptions } from '../../src/options.js';
import { mainRouteRepairs } from '../../src/probing/main-route.js';
import type { ProbeRoutingPlan } from '../../src/probing/policy-routing.js';
import { parseRoutes, type LinkEntry } from '../../src/state/ip-json.js';

const [wan2] = resolveOptions([{ id: 'wan2', priority: 20, interface: 'wan2', targets: [] }]).uplinks;
const link: LinkEntry = {
  ifindex: 3,
  name: 'wan2',
  flags: ['UP', 'LOWER_UP'],
  linkType: 'ether',
  addresses: { 4: [], 6: [] },
};
const plan: ProbeRoutingPlan = {
  uplink: wan2!,
  link,
  routes: { 4: { family: 4, gateway: '100.64.2.1', dev: 'wan2' }, 6: null },
};
const route4 = (gateway: string, dev: string, metric = 10) =>
  parseRoutes(JSON.stringify([{ dst: 'default', gateway, dev, metric }]), 4);
const show = (c: string[][]) => c.map((x) => x.join(' '));

describe("the active uplink's main route", () => {
  it('is put back when the kernel dropped it', () => {
    assert.deepEqual(show(mainRouteRepairs(plan, { 4: [], 6: [] }, 10)), [
      'ip -4 route replace default via 100.64.2.1 dev wan2 metric 10',
    ]);
  });

  it('follows a gateway that changed, and is left alone when it is right', () => {
    assert.equal(mainRouteRepairs(plan, { 4: route4('100.64.2.9', 'wan2'), 6: [] }, 10).length, 1);
    assert.deepEqual(mainRouteRepairs(plan, { 4: route4('100.64.2.1', 'wan2'), 6: [] }, 10), []);
  });

  it('is not taken back from another device, nor touched while the device is down', () => {
    assert.deepEqual(mainRouteRepairs(plan, { 4: route4('100.64.1.1', 'wan1'), 6: [] }, 10), []);
    assert.deepEqual(mainRouteRepairs({ ...plan, link: { ...link, flags: ['LOWER_UP'] } }, { 4: [], 6: [] }, 10), []);
  });
});
