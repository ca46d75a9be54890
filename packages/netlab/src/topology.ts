/**
 * Building the lab's network: a router with N uplinks, one ISP per uplink,
 * an "internet" shared by every ISP, and a LAN host behind the router with
 * NAT on the uplinks. See addresses.ts for the address plan. Every address
 * goes through assertLabAddress before it is configured.
 *
 *   lan ──lan0── router ──wan1── isp1 ──┐
 *                       ──wan2── isp2 ──┼── inet (targets, services)
 *                       ──wanN── ispN ──┘
 */
import { assertLabAddress, LAN, SERVICES, TARGET_PREFIXES, uplinkPlan } from './addresses.js';
import { ipIn, nftIn, sysctlIn } from './exec.js';
import { assertDeviceName } from './names.js';
import { installLabProbeRouting } from './router/lab-probe-routing.js';

/** Device names inside an ISP namespace. */
export const ISP_CUSTOMER_DEV = 'cust';
export const ISP_UPSTREAM_DEV = 'upstream';

/** Namespaces of one lab. */
export interface LabNamespaces {
  readonly router: string;
  readonly isps: readonly string[];
  readonly inet: string;
  readonly lan: string;
}

/** The router's device for uplink `i` (1-based). */
export function uplinkDevice(i: number): string {
  return `wan${i}`;
}

async function addAddress(ns: string, dev: string, cidr: string): Promise<void> {
  assertLabAddress(cidr);
  const v6 = cidr.includes(':');
  // nodad: a tentative IPv6 address would not be usable for a second or more.
  await ipIn(ns, [v6 ? '-6' : '-4', 'addr', 'add', cidr, 'dev', dev, ...(v6 ? ['nodad'] : [])]);
}

async function addRoute(ns: string, args: string[]): Promise<void> {
  const v6 = args.some((a) => a.includes(':'));
  for (const a of args) if (/^[0-9a-f:.]+(\/\d+)?$/i.test(a) && /[.:]/.test(a)) assertLabAddress(a);
  await ipIn(ns, [v6 ? '-6' : '-4', 'route', ...args]);
}

/** Host defaults of a fresh namespace: forwarding where needed, no reverse-path filter. */
export async function baseSysctls(ns: string, forwarding: boolean): Promise<void> {
  await sysctlIn(ns, 'net.ipv4.conf.all.rp_filter', 0);
  await sysctlIn(ns, 'net.ipv4.conf.default.rp_filter', 0);
  await sysctlIn(ns, 'net.ipv6.conf.all.accept_dad', 0);
  await sysctlIn(ns, 'net.ipv6.conf.default.accept_dad', 0);
  await sysctlIn(ns, 'net.ipv6.conf.default.accept_ra', 0);
  // An admin-down device would otherwise lose its IPv6 addresses (and the carrier-loss fault could not be undone).
  await sysctlIn(ns, 'net.ipv6.conf.all.keep_addr_on_down', 1);
  await sysctlIn(ns, 'net.ipv6.conf.default.keep_addr_on_down', 1);
  if (forwarding) {
    await sysctlIn(ns, 'net.ipv4.ip_forward', 1);
    await sysctlIn(ns, 'net.ipv6.conf.all.forwarding', 1);
  }
}

/** Creates the veth of uplink `i` between the router and its ISP, addressed on both ends. */
export async function buildUplinkLink(ns: LabNamespaces, i: number, ipv6: boolean): Promise<void> {
  const isp = ns.isps[i - 1]!;
  const dev = uplinkDevice(i);
  assertDeviceName(dev);
  const p = uplinkPlan(i);
  await ipIn(ns.router, ['link', 'add', dev, 'type', 'veth', 'peer', 'name', ISP_CUSTOMER_DEV, 'netns', isp]);
  await addAddress(ns.router, dev, `${p.router4}/24`);
  await addAddress(isp, ISP_CUSTOMER_DEV, `${p.gateway4}/24`);
  if (ipv6) {
    await addAddress(ns.router, dev, `${p.router6}/64`);
    await addAddress(isp, ISP_CUSTOMER_DEV, `${p.gateway6}/64`);
  }
  await ipIn(isp, ['link', 'set', ISP_CUSTOMER_DEV, 'up']);
  await ipIn(ns.router, ['link', 'set', dev, 'up']);
}

/** ISP `i`: its link to the internet and its default route there. */
export async function buildIsp(ns: LabNamespaces, i: number, ipv6: boolean): Promise<void> {
  const isp = ns.isps[i - 1]!;
  const p = uplinkPlan(i);
  const inetDev = `isp${i}`;
  await ipIn(isp, ['link', 'add', ISP_UPSTREAM_DEV, 'type', 'veth', 'peer', 'name', inetDev, 'netns', ns.inet]);
  await addAddress(isp, ISP_UPSTREAM_DEV, `${p.isp4}/24`);
  await addAddress(ns.inet, inetDev, `${p.inet4}/24`);
  if (ipv6) {
    await addAddress(isp, ISP_UPSTREAM_DEV, `${p.isp6}/64`);
    await addAddress(ns.inet, inetDev, `${p.inet6}/64`);
  }
  await ipIn(isp, ['link', 'set', ISP_UPSTREAM_DEV, 'up']);
  await ipIn(ns.inet, ['link', 'set', inetDev, 'up']);
  await addRoute(isp, ['add', 'default', 'via', p.inet4]);
  // The internet routes each uplink's network back through that uplink's ISP (no NAT at the ISPs),
  // so the source address of what arrives there names the uplink it came through.
  await addRoute(ns.inet, ['add', p.net4, 'via', p.isp4]);
  if (ipv6) {
    await addRoute(isp, ['add', 'default', 'via', p.inet6]);
    await addRoute(ns.inet, ['add', p.net6, 'via', p.isp6]);
  }
}

/** The internet: every address of the target prefixes answers, services on fixed addresses. */
export async function buildInternet(ns: LabNamespaces, ipv6: boolean): Promise<void> {
  for (const prefix of TARGET_PREFIXES.v4) await addRoute(ns.inet, ['add', 'local', prefix, 'dev', 'lo']);
  await addAddress(ns.inet, 'lo', `${SERVICES.v4}/32`);
  await addAddress(ns.inet, 'lo', `${SERVICES.dns4}/32`);
  if (ipv6) {
    for (const prefix of TARGET_PREFIXES.v6) await addRoute(ns.inet, ['add', 'local', prefix, 'dev', 'lo']);
    await addAddress(ns.inet, 'lo', `${SERVICES.v6}/128`);
    await addAddress(ns.inet, 'lo', `${SERVICES.dns6}/128`);
  }
}

/** The LAN host behind the router, and NAT on every uplink of the router. */
export async function buildLan(ns: LabNamespaces, ipv6: boolean): Promise<void> {
  await ipIn(ns.router, ['link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns.lan]);
  await addAddress(ns.router, 'lan0', `${LAN.router4}/24`);
  await addAddress(ns.lan, 'eth0', `${LAN.host4}/24`);
  if (ipv6) {
    await addAddress(ns.router, 'lan0', `${LAN.router6}/64`);
    await addAddress(ns.lan, 'eth0', `${LAN.host6}/64`);
  }
  await ipIn(ns.router, ['link', 'set', 'lan0', 'up']);
  await ipIn(ns.lan, ['link', 'set', 'eth0', 'up']);
  await addRoute(ns.lan, ['add', 'default', 'via', LAN.router4]);
  if (ipv6) await addRoute(ns.lan, ['add', 'default', 'via', LAN.router6]);
  await installRouterNat(ns.router);
}

/** NAT (masquerade) of everything a router sends out of its uplinks (`wan*`), IPv4 and IPv6. */
export async function installRouterNat(router: string): Promise<void> {
  await nftIn(
    router,
    [
      'table inet ww_nat {',
      '  chain postrouting {',
      '    type nat hook postrouting priority srcnat; policy accept;',
      '    oifname "wan*" masquerade',
      '  }',
      '}',
    ].join('\n'),
  );
}

/**
 * Points the router's main default route (IPv4 and IPv6) at uplink `i`, at
 * `metric` (IPv4 0 and IPv6 1024 when undefined, the kernel's defaults).
 */
export async function setDefaultUplink(router: string, i: number, ipv6: boolean, metric?: number): Promise<void> {
  const p = uplinkPlan(i);
  const at = metric === undefined ? [] : ['metric', String(metric)];
  await addRoute(router, ['replace', 'default', 'via', p.gateway4, 'dev', uplinkDevice(i), ...at]);
  if (ipv6) await addRoute(router, ['replace', 'default', 'via', p.gateway6, 'dev', uplinkDevice(i), ...at]);
}

/** Installs the lab's fixture probe routing (see router/lab-probe-routing.ts). */
export async function buildProbeRouting(router: string, uplinks: number, ipv6: boolean): Promise<void> {
  for (let i = 1; i <= uplinks; i++) await installLabProbeRouting(router, i, ipv6);
}
