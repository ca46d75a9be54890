/**
 * A program of a user of the published packages, as ES modules: built with
 * `tsc` (module nodenext) against the installed tarballs and run with node.
 * It prints one JSON line the packaging test reads.
 */
import { Engine, systemClock, type Uplink } from '@wanwatch/core';
import { SimNetwork, seededRandom } from '@wanwatch/core/testing';
import { ExecaRunner } from '@wanwatch/exec';
import { IpfireAdapter } from '@wanwatch/ipfire';
import { LinuxAdapter } from '@wanwatch/linux';
import { OpnsenseAdapter } from '@wanwatch/opnsense';
import { createProbe } from '@wanwatch/probes';
import { VERSION, parseConfig } from '@wanwatch/agent';

const uplinks: Uplink[] = [
  { id: 'fiber', priority: 10, interface: 'eth1', targets: ['192.0.2.10'] },
  { id: 'lte', priority: 20, interface: 'wwan0', targets: ['192.0.2.10'] },
];
const net = new SimNetwork({ clock: systemClock, random: seededRandom(1) });
const engine = new Engine({
  uplinks,
  probe: net.probe,
  adapter: net.adapter,
  settings: { probe: { intervalMs: 20, recoveryIntervalMs: 20 }, health: { up: 1 } },
});
const switched = new Promise<string>((resolve) => engine.on('switch:done', (e) => resolve(e.to)));
await engine.start();
const active = await switched;
await engine.stop();

const logs: string[] = [];
const probe = createProbe({ logger: { warn: (m) => logs.push(`warn: ${m}`), info: (m) => logs.push(`info: ${m}`) } });
const backend = await probe.resolveIcmpBackend();
await probe.close();

const config = parseConfig(
  'platform: simulated\nuplinks:\n  - { name: fiber, interface: eth1, targets: [192.0.2.10] }\n',
  'inline.yaml',
);
const echo = await new ExecaRunner({ timeoutMs: 10_000 }).run([process.execPath, '-e', 'process.stdout.write("ok")']);

console.log(
  JSON.stringify({
    module: 'esm',
    active,
    backend,
    logs,
    configured: config.uplinks.map((u) => u.id),
    adapters: [LinuxAdapter, OpnsenseAdapter, IpfireAdapter].map((a) => a.name),
    exec: echo.stdout,
    version: VERSION,
  }),
);
