#!/usr/bin/env node
// An emulation of the FreeBSD/OPNsense commands the OPNsense adapter runs:
// configctl, ifconfig, route, netstat, sysctl, ifctl, pkill, rtsold and
// rtsold_script.sh; and FreeBSD 14's ping, as @wanwatch/probes runs it on
// FreeBSD (-S <source address>). OPNsense cannot run here, so the tests run the adapter
// against this. Each command accepts only the syntax of OPNsense's sources
// (opnsense-core's configd actions, rc.syshook.d, interfaces.inc) and FreeBSD's man pages,
// answers in the real output formats, records every call, and keeps a small
// JSON state (interfaces, addresses, default routes, CARP, services).
//
// Usage: node fakebsd.js <command> [args…], with FAKEBSD_STATE=<state.json>.
// Calls are appended to <state.json>.calls (one JSON line each).
//
// With `lab` in the state (a netlab namespace name), the interface and
// route changes are also made in that namespace with iproute2, so that a
// real data plane follows the emulated OPNsense (the end-to-end test).
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import process from 'node:process';

const STATE = process.env.FAKEBSD_STATE;
if (!STATE) {
  process.stderr.write('fakebsd: FAKEBSD_STATE is not set\n');
  process.exit(70);
}
const [command = '', ...args] = process.argv.slice(2);

/** Sleeps synchronously (the emulated commands are short-lived processes). */
function pause(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// ---- state, under a lock (commands may run concurrently) -------------------

const LOCK = `${STATE}.lock`;
function lock() {
  for (let i = 0; i < 2000; i++) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 5000) rmdirSync(LOCK);
      } catch {
        // gone meanwhile
      }
      pause(2);
    }
  }
  process.stderr.write('fakebsd: state lock not acquired\n');
  process.exit(70);
}
function unlock() {
  try {
    rmdirSync(LOCK);
  } catch {
    // already gone
  }
}
function load() {
  return JSON.parse(readFileSync(STATE, 'utf8'));
}
function save(state) {
  writeFileSync(`${STATE}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${STATE}.tmp`, STATE);
}

appendFileSync(`${STATE}.calls`, `${JSON.stringify({ argv: [command, ...args], at: Date.now() })}\n`);

let out = '';
let err = '';
const print = (s) => (out += `${s}\n`);
const fail = (s, code = 1) => {
  err += `${s}\n`;
  return code;
};

// ---- helpers -----------------------------------------------------------------

const isV4 = (a) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a);
const isV6 = (a) => /^[0-9a-fA-F:]+(%[\w.]+)?$/.test(a) && a.includes(':');

function v4ToInt(a) {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}
function sameSubnet4(a, b, bits) {
  const size = 2 ** (32 - bits);
  return Math.floor(v4ToInt(a) / size) === Math.floor(v4ToInt(b) / size);
}
function netmaskHex(bits) {
  const n = bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
  return `0x${n.toString(16).padStart(8, '0')}`;
}
function broadcast(a, bits) {
  const n = v4ToInt(a);
  const size = 2 ** (32 - bits);
  const b = Math.floor(n / size) * size + size - 1;
  return [24, 16, 8, 0].map((s) => Math.floor(b / 2 ** s) % 256).join('.');
}

/** Runs iproute2 in the lab namespace (never in the machine's own: the name must be a netlab one). */
function lab(state, ipArgs, tolerate = false) {
  if (!state.lab) return;
  if (!/^ww-/.test(state.lab)) throw new Error(`refusing to act outside a netlab namespace (${state.lab})`);
  try {
    execFileSync('ip', ['-n', state.lab, ...ipArgs], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
  } catch (e) {
    if (!tolerate) throw e;
  }
}
function labDefault(state, family, route) {
  if (!state.lab) return;
  for (let i = 0; i < 8; i++) {
    try {
      execFileSync('ip', ['-n', state.lab, `-${family}`, 'route', 'del', 'default'], {
        stdio: 'ignore',
        timeout: 5000,
      });
    } catch {
      break;
    }
  }
  if (route) {
    const gw = route.gateway.split('%')[0];
    lab(state, [`-${family}`, 'route', 'replace', 'default', 'via', gw, 'dev', route.interface, 'metric', '100']);
  }
}

function setRoute(state, family, route) {
  const key = family === 4 ? 'inet' : 'inet6';
  state.routes[key] = route;
  labDefault(state, family, route);
}

/** The interface a gateway is reachable through (link-local ones name it: fe80::1%vtnet1). */
function interfaceFor(state, gateway, family) {
  if (family === 6 && gateway.includes('%')) {
    const dev = gateway.split('%')[1];
    return state.interfaces[dev] ? dev : null;
  }
  for (const [dev, i] of Object.entries(state.interfaces)) {
    const list = family === 4 ? i.ipv4 : i.ipv6;
    for (const a of list) {
      if (family === 4 && sameSubnet4(a.address, gateway, a.bits)) return dev;
      if (family === 6 && gateway.split(':').slice(0, 4).join(':') === a.address.split(':').slice(0, 4).join(':'))
        return dev;
    }
  }
  return null;
}

/** dhclient got its lease: the address, and (unless the test holds it back) the default route. */
function lease(state, dev) {
  const i = state.interfaces[dev];
  if (i.lease4 && !i.ipv4.some((a) => a.address === i.lease4.address)) {
    i.ipv4.push({ address: i.lease4.address, bits: i.lease4.bits, dynamic: true });
    lab(state, ['-4', 'addr', 'replace', `${i.lease4.address}/${i.lease4.bits}`, 'dev', dev]);
  }
  if (i.lease6 && !i.ipv6.some((a) => a.address === i.lease6.address)) {
    i.ipv6.push({ address: i.lease6.address, bits: i.lease6.bits, dynamic: true });
    lab(state, ['-6', 'addr', 'replace', `${i.lease6.address}/${i.lease6.bits}`, 'dev', dev, 'nodad']);
  }
  if ((i.routeOn ?? 'lease') === 'lease') newip(state, dev);
}

/** rc.newwanip: routing follows the interface's address (the default gateway moves to it). */
function newip(state, dev) {
  const i = state.interfaces[dev];
  if (i.routeOn === 'never') return;
  if (i.lease4 && i.ipv4.some((a) => a.address === i.lease4.address))
    setRoute(state, 4, { gateway: i.lease4.gateway, interface: dev });
}

/** interface_suspend(): dhclient killed, dynamic addresses and their routes gone; the link stays up. */
function suspend(state, dev) {
  const i = state.interfaces[dev];
  i.dhclient = false;
  i.ipv4 = i.ipv4.filter((a) => !a.dynamic);
  i.ipv6 = i.ipv6.filter((a) => !a.dynamic);
  for (const key of ['inet', 'inet6'])
    if (state.routes[key]?.interface === dev) setRoute(state, key === 'inet' ? 4 : 6, null);
  if (state.lab) {
    lab(state, ['addr', 'flush', 'dev', dev, 'scope', 'global']);
    lab(state, ['link', 'set', 'dev', dev, 'down']);
  }
}

function configure(state, dev) {
  const i = state.interfaces[dev];
  i.up = true;
  i.dhclient = true;
  lab(state, ['link', 'set', 'dev', dev, 'up']);
  if ((i.leaseOn ?? 'reconfigure') === 'linkup') lease(state, dev);
}

// ---- configctl ---------------------------------------------------------------

const NOT_ALLOWED = 'Action not allowed or missing';
const EXECUTE_ERROR = 'Execute error';

/** The actions the adapter may use: words → [min, max] parameters. */
const ACTIONS = {
  'interface reconfigure': [0, 1],
  'interface linkup start': [1, 1],
  'interface linkup stop': [1, 1],
  'interface newip': [1, 2],
  'interface newipv6': [1, 2],
  'interface carp': [2, 2],
  'interface update carp service_status': [0, 0],
  'interface list ifconfig': [0, 1],
  'interface routes configure': [0, 0],
  'filter kill gateway_states': [1, 1],
  'radvd start': [0, 0],
  'radvd stop': [0, 0],
  'radvd restart': [0, 0],
  'radvd status': [0, 0],
};

function deviceByName(state, name) {
  return Object.entries(state.interfaces).find(([, i]) => i.name === name)?.[0];
}

function configctl(state) {
  const words = args.filter((a) => !/^-[dqef]$/.test(a));
  // configd matches the longest known action, the rest are its parameters.
  let action = null;
  for (let n = Math.min(4, words.length); n > 0; n--) {
    const key = words.slice(0, n).join(' ');
    if (ACTIONS[key]) {
      action = key;
      break;
    }
  }
  if (!action) {
    print(NOT_ALLOWED);
    return 0;
  }
  const params = words.slice(action.split(' ').length);
  const [min, max] = ACTIONS[action];
  if (params.length < min || params.length > max) {
    print(EXECUTE_ERROR);
    return 0;
  }
  const [p1, p2] = params;
  switch (action) {
    case 'interface linkup start':
    case 'interface linkup stop': {
      if (!state.interfaces[p1]) return (print('OK'), 0); // rc.linkup ignores unknown devices
      if (action.endsWith('start')) configure(state, p1);
      else suspend(state, p1);
      print('OK');
      return 0;
    }
    case 'interface reconfigure': {
      const dev = deviceByName(state, p1 ?? 'wan');
      if (dev) {
        configure(state, dev);
        lease(state, dev);
      }
      print('OK');
      return 0;
    }
    case 'interface newip':
    case 'interface newipv6': {
      if (p2 !== undefined && p2 !== 'force') {
        print(EXECUTE_ERROR);
        return 0;
      }
      if (state.interfaces[p1] && action === 'interface newip') newip(state, p1);
      print('OK');
      return 0;
    }
    case 'interface carp': {
      print('OK');
      return 0;
    }
    case 'interface update carp service_status':
    case 'interface routes configure':
    case 'filter kill gateway_states':
      print('OK');
      return 0;
    case 'interface list ifconfig': {
      const details = {};
      for (const [dev, i] of Object.entries(state.interfaces)) {
        if (p1 !== undefined && p1 !== dev) continue;
        details[dev] = {
          flags: i.up ? ['up', 'broadcast', 'running', 'simplex', 'multicast'] : ['broadcast', 'simplex', 'multicast'],
          ipv4: i.ipv4.map((a) => ({ ipaddr: a.address, subnetbits: a.bits, ...(a.vhid ? { vhid: a.vhid } : {}) })),
          ipv6: i.ipv6.map((a) => ({ ipaddr: a.address, subnetbits: a.bits })),
          carp: (i.carp ?? []).map((c) => ({
            status: c.state,
            vhid: String(c.vhid),
            advbase: String(c.advbase ?? 1),
            advskew: String(c.advskew ?? 0),
          })),
          status: i.carrier === false ? 'no carrier' : 'active',
        };
      }
      print(JSON.stringify(details));
      return 0;
    }
    default: {
      // radvd
      const verb = action.split(' ')[1];
      if (verb !== 'status') state.services.radvd = verb !== 'stop';
      print(verb === 'status' ? (state.services.radvd ? 'radvd is running' : 'radvd is not running') : 'OK');
      return 0;
    }
  }
}

// ---- ifconfig ----------------------------------------------------------------

function ifconfigText(dev, i) {
  const flags = i.up
    ? 'flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP>'
    : 'flags=1008802<BROADCAST,SIMPLEX,MULTICAST,LOWER_UP>';
  const lines = [`${dev}: ${flags} metric 0 mtu 1500`, `\tether ${i.ether ?? '58:9c:fc:00:00:01'}`];
  for (const a of i.ipv4)
    lines.push(
      `\tinet ${a.address} netmask ${netmaskHex(a.bits)} broadcast ${broadcast(a.address, a.bits)}${a.vhid ? ` vhid ${a.vhid}` : ''}`,
    );
  lines.push(`\tinet6 fe80::5a9c:fcff:fe00:1%${dev} prefixlen 64 scopeid 0x1`);
  for (const a of i.ipv6) lines.push(`\tinet6 ${a.address} prefixlen ${a.bits}${a.vhid ? ` vhid ${a.vhid}` : ''}`);
  for (const c of i.carp ?? []) {
    lines.push(`\tcarp: ${c.state} vhid ${c.vhid} advbase ${c.advbase ?? 1} advskew ${c.advskew ?? 0}`);
    lines.push('\t      peer 224.0.0.18 peer6 ff02::12');
  }
  lines.push(`\tmedia: Ethernet autoselect (1000baseT <full-duplex>)`);
  lines.push(`\tstatus: ${i.carrier === false ? 'no carrier' : 'active'}`);
  lines.push('\tnd6 options=23<PERFORMNUD,ACCEPT_RTADV,AUTO_LINKLOCAL>');
  return lines.join('\n');
}

function ifconfig(state) {
  const opts = [];
  const rest = [];
  for (const a of args) (/^-[aLmvdul]+$/.test(a) ? opts : rest).push(a);
  if (rest.length > 1) return fail('ifconfig: the emulation only reads interfaces (ifconfig [-aLmv] [interface])');
  if (opts.includes('-l')) {
    print(Object.keys(state.interfaces).join(' '));
    return 0;
  }
  const [dev] = rest;
  if (dev !== undefined) {
    const i = state.interfaces[dev];
    if (!i) return fail(`ifconfig: interface ${dev} does not exist`);
    print(ifconfigText(dev, i));
    return 0;
  }
  for (const [d, i] of Object.entries(state.interfaces)) print(ifconfigText(d, i));
  return 0;
}

// ---- ping --------------------------------------------------------------------
// FreeBSD 14's unified ping (sbin/ping/ping.c, ping6.c): the options wanwatch's
// probes use, `-I` refused for a unicast destination (IPv4), `-S` bound like
// bind(2) (an address of this box, else "bind: Can't assign requested
// address", exit 1), the interface owning the source down → "sendto: Network is
// down", no carrier → silence. `state.ping`: `silent` targets never answer,
// `unreachable` ones draw "Destination Host Unreachable", others answer after
// `rttMs` (default 0.4). Output as FreeBSD's own tests expect it
// (sbin/ping/tests/test_ping.py).

function pingUsage(message) {
  return fail(`ping: ${message}`, 64);
}

function ping(state) {
  const opts = {};
  const flags = new Set();
  let target;
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (/^-[46nqoQv]+$/.test(a)) for (const f of a.slice(1)) flags.add(f);
    else if (/^-[cWsmStiI]$/.test(a)) {
      if (args[k + 1] === undefined) return pingUsage(`option requires an argument -- ${a.slice(1)}`);
      opts[a.slice(1)] = args[++k];
    } else if (a.startsWith('-')) return pingUsage(`illegal option -- ${a.slice(1)}`);
    else if (target === undefined) target = a;
    else return pingUsage('too many targets');
  }
  if (target === undefined) return pingUsage('no target');
  const v6 = flags.has('6') || (!flags.has('4') && isV6(target));
  if (v6 ? !isV6(target) : !isV4(target)) return fail(`ping: cannot resolve ${target}: Unknown host`, 68);
  if (!v6 && opts.I !== undefined) return pingUsage('-I, -L, -T flags cannot be used with unicast destination');
  if (opts.W !== undefined && !/^\d+(\.\d+)?$/.test(opts.W)) return pingUsage(`invalid timing interval: \`${opts.W}'`);
  const count = Number(opts.c ?? 1);
  const waitMs = Number(opts.W ?? 10000);
  const size = Number(opts.s ?? 56);
  // The interface the packet leaves by: the one owning -S, else the default route's.
  let dev;
  if (opts.S !== undefined) {
    const own = (i, d) =>
      v6
        ? i.ipv6.some((a) => a.address === opts.S) || opts.S === `fe80::5a9c:fcff:fe00:1%${d}`
        : i.ipv4.some((a) => a.address === opts.S);
    dev = Object.keys(state.interfaces).find((d) => own(state.interfaces[d], d));
    if (dev === undefined) return fail("ping: bind: Can't assign requested address", 1);
  } else {
    dev = state.routes[v6 ? 'inet6' : 'inet']?.interface;
    if (dev === undefined) return fail('ping: connect: Network is unreachable', 1);
  }
  const i = state.interfaces[dev];
  const cfg = state.ping ?? {};
  let received = 0;
  const head = v6
    ? `PING6(${40 + 8 + size}=40+8+${size} bytes) ${opts.S ?? '::'} --> ${target}`
    : `PING ${target} (${target})${opts.S ? ` from ${opts.S}` : ''}: ${size} data bytes`;
  print(head);
  for (let n = 0; n < count; n++) {
    if (!i.up) {
      err += 'ping: sendto: Network is down\n';
      continue;
    }
    if (i.carrier === false || (cfg.silent ?? []).includes(target)) continue;
    if ((cfg.unreachable ?? []).includes(target)) {
      print(`92 bytes from ${target}: Destination Host Unreachable`);
      continue;
    }
    received++;
  }
  if (received === 0) hangMs = waitMs;
  const rtt = (cfg.rttMs ?? 0.4).toFixed(3);
  print('');
  print(`--- ${target} ping${v6 ? '6' : ''} statistics ---`);
  const loss = ((100 * (count - received)) / count).toFixed(1);
  print(`${count} packets transmitted, ${received} packets received, ${loss}% packet loss`);
  if (received > 0) print(`round-trip min/avg/max/${v6 ? 'std-dev' : 'stddev'} = ${rtt}/${rtt}/${rtt}/0.000 ms`);
  return received > 0 ? 0 : 2;
}

// ---- route -------------------------------------------------------------------

function route(state) {
  const words = args.filter((a) => a !== '-n' && a !== '-q');
  const [verb, fam, dest, gateway, ...extra] = words;
  const family = fam === '-inet' ? 4 : fam === '-inet6' ? 6 : null;
  if (!['add', 'delete'].includes(verb) || family === null || dest !== 'default')
    return fail(
      'usage: route [-nq] add|delete -inet|-inet6 default [gateway] (the emulation knows default routes only)',
      64,
    );
  const key = family === 4 ? 'inet' : 'inet6';
  if (verb === 'delete') {
    if (extra.length > 0 || (gateway !== undefined && gateway !== state.routes[key]?.gateway))
      return fail('route: writing to routing socket: No such process\ndelete net default: not in table');
    if (!state.routes[key])
      return fail('route: writing to routing socket: No such process\ndelete net default: not in table');
    setRoute(state, family, null);
    print(`delete net default${gateway ? `: gateway ${gateway}` : ''}`);
    return 0;
  }
  if (gateway === undefined || extra.length > 0) return fail('route: bad address: (missing gateway)', 68);
  if (family === 4 ? !isV4(gateway) : !isV6(gateway)) return fail(`route: bad address: ${gateway}`, 68);
  if (state.routes[key])
    return fail(
      `route: writing to routing socket: File exists\nadd net default: gateway ${gateway}: route already in table`,
    );
  const dev = interfaceFor(state, gateway, family);
  if (!dev)
    return fail(
      `route: writing to routing socket: Network is unreachable\nadd net default: gateway ${gateway} fib 0: Network is unreachable`,
    );
  setRoute(state, family, { gateway, interface: dev });
  print(`add net default: gateway ${gateway}`);
  return 0;
}

// ---- netstat -----------------------------------------------------------------

function netstat(state) {
  const words = [...args];
  const fi = words.indexOf('-f');
  const fam = fi >= 0 ? words[fi + 1] : undefined;
  if (fi >= 0) words.splice(fi, 2);
  if (
    !words.every((w) => /^-[rnW]+$/.test(w)) ||
    !words.some((w) => w.includes('r')) ||
    (fi >= 0 && !['inet', 'inet6'].includes(fam))
  )
    return fail('usage: netstat -r [-nW] [-f inet|inet6] (the emulation shows routing tables only)', 64);
  print('Routing tables');
  for (const f of fam ? [fam] : ['inet', 'inet6']) {
    const r = state.routes[f];
    print(`\n${f === 'inet' ? 'Internet:' : 'Internet6:'}`);
    print('Destination        Gateway            Flags     Netif Expire');
    if (r) print(`${'default'.padEnd(18)} ${r.gateway.padEnd(18)} UGS    ${r.interface.padStart(7)}`);
    for (const i of Object.values(state.interfaces))
      for (const a of f === 'inet' ? i.ipv4 : i.ipv6)
        print(`${a.address.padEnd(18)} link#1             UHS        lo0`);
    print(`${(f === 'inet' ? '127.0.0.1' : '::1').padEnd(18)} link#3             UH         lo0`);
  }
  return 0;
}

// ---- sysctl, ifctl, pkill, rtsold, rtsold_script.sh ---------------------------

function sysctl(state) {
  const words = args.filter((a) => a !== '-n' && a !== '-q');
  if (words.length !== 1) return fail('usage: sysctl [-nq] name[=value]', 64);
  const [name, value] = words[0].split('=');
  if (!(name in state.sysctl)) return fail(`sysctl: unknown oid '${name}'`);
  if (value !== undefined) {
    const old = state.sysctl[name];
    state.sysctl[name] = value;
    print(args.includes('-n') ? value : `${name}: ${old} -> ${value}`);
  } else print(args.includes('-n') ? state.sysctl[name] : `${name}: ${state.sysctl[name]}`);
  return 0;
}

function ifctl(state) {
  // ifctl -i <dev> -4r|-6r : the router the DHCP/RA client recorded
  if (args.length !== 3 || args[0] !== '-i' || !['-4r', '-6r'].includes(args[2]))
    return fail('usage: ifctl -i device [-4|-6] [-r] (the emulation reads routers only)', 64);
  const i = state.interfaces[args[1]];
  if (!i) return fail(`ifctl: interface ${args[1]} does not exist`);
  const l = args[2] === '-4r' ? i.lease4 : i.lease6;
  const has = (args[2] === '-4r' ? i.ipv4 : i.ipv6).some((a) => a.dynamic);
  if (l && has) print(l.gateway);
  return 0;
}

const PIDFILES = { '/var/run/rtsold.pid': 'rtsold', '/var/run/dhcp6c.pid': 'dhcp6c', '/var/run/radvd.pid': 'radvd' };

function pkill(state) {
  // pkill [-SIG] -F pidfile
  const words = [...args];
  if (words[0] && words[0] !== '-F' && /^-[A-Z0-9]+$/.test(words[0])) words.shift();
  if (words.length !== 2 || words[0] !== '-F') return fail('usage: pkill [-signal] -F pidfile', 2);
  const svc = PIDFILES[words[1]];
  if (!svc || !state.services[svc]) return 1; // pkill: no process matched
  if (args[0] !== '-HUP') state.services[svc] = false;
  return 0;
}

function rtsold(state) {
  const want = [
    '-aiu',
    '-p',
    '/var/run/rtsold.pid',
    '-A',
    '/usr/local/opnsense/scripts/interfaces/rtsold_script.sh',
    '-R',
    '/usr/local/opnsense/scripts/interfaces/rtsold_resolvconf.sh',
  ];
  const words = args.filter((a) => a !== '-d' && a !== '-D');
  if (words.join(' ') !== want.join(' ')) return fail(`usage: rtsold ${want.join(' ')}`, 1);
  if (state.services.rtsold) return fail('rtsold: pid file /var/run/rtsold.pid is locked by another process', 1);
  state.services.rtsold = true;
  return 0;
}

function rtsoldScript(state) {
  if (args.length < 1 || args.length > 2) return fail('usage: rtsold_script.sh device [router]', 1);
  if (!state.interfaces[args[0]]) return fail(`${args[0]} is not an interface`, 1);
  state.services.dhcp6c = true; // started, or SIGHUP'd if it ran
  const i = state.interfaces[args[0]];
  if (i.lease6?.gateway) setRoute(state, 6, { gateway: i.lease6.gateway, interface: args[0] });
  return 0;
}

// ---- main --------------------------------------------------------------------

const HANDLERS = {
  configctl,
  ifconfig,
  ping,
  route,
  netstat,
  sysctl,
  ifctl,
  pkill,
  rtsold,
  'rtsold_script.sh': rtsoldScript,
};

const name = basename(command);
const handler = HANDLERS[name];
if (!handler) {
  process.stderr.write(`fakebsd: unknown command ${command}\n`);
  process.exit(127);
}
lock();
let code;
let hangMs = 0;
try {
  const state = load();
  state.services ??= {};
  state.sysctl ??= {};
  state.routes ??= { inet: null, inet6: null };
  // A fault set by the test for this exact command line (or its first words).
  const line = [name, ...args].join(' ');
  const key = Object.keys(state.faults ?? {})
    .filter((k) => line === k || line.startsWith(`${k} `))
    .sort((a, b) => b.length - a.length)[0];
  const fault = key ? state.faults[key] : undefined;
  if (fault) {
    hangMs = fault.hangMs ?? 0;
    if (fault.times !== undefined && --fault.times <= 0) delete state.faults[key];
  }
  if (fault && (fault.exit !== undefined || fault.stdout !== undefined)) {
    out = fault.stdout ?? '';
    err = fault.stderr ?? '';
    code = fault.exit ?? 0;
  } else {
    code = handler(state);
  }
  save(state);
} catch (e) {
  err += `fakebsd: ${e instanceof Error ? e.message : String(e)}\n`;
  code = 70;
} finally {
  unlock();
}
process.stdout.write(out);
process.stderr.write(err);
if (hangMs > 0) pause(hangMs);
process.exit(code);
