/**
 * A program of a user of the published packages, as CommonJS: `require()`
 * of the packages' ES modules (Node >= 20.19 requires ES modules without a
 * flag), typed by tsc (module nodenext).
 * It prints one JSON line the packaging test reads.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: this is the CommonJS consumer. */
import type { Uplink } from '@wanwatch/core';
import core = require('@wanwatch/core');
import testing = require('@wanwatch/core/testing');
import probes = require('@wanwatch/probes');
import agent = require('@wanwatch/agent');

const uplinks: Uplink[] = [
  { id: 'fiber', priority: 10, interface: 'eth1', targets: ['192.0.2.10'] },
  { id: 'lte', priority: 20, interface: 'wwan0', targets: ['192.0.2.10'] },
];

async function main(): Promise<void> {
  const net = new testing.SimNetwork({ clock: core.systemClock, random: testing.seededRandom(2) });
  const engine = new core.Engine({
    uplinks,
    probe: net.probe,
    adapter: net.adapter,
    settings: { probe: { intervalMs: 20, recoveryIntervalMs: 20 }, health: { up: 1 } },
  });
  const switched = new Promise<string>((resolve) => engine.on('switch:done', (e) => resolve(e.to)));
  await engine.start();
  const active = await switched;
  await engine.stop();
  const probe = probes.createProbe({ logger: { warn: () => undefined } });
  const backend = await probe.resolveIcmpBackend();
  await probe.close();
  const config = agent.parseConfig(
    'platform: simulated\nuplinks:\n  - { name: lte, interface: wwan0, targets: [192.0.2.10] }\n',
    'inline.yaml',
  );
  console.log(
    JSON.stringify({
      module: typeof require === 'function' && typeof module === 'object' ? 'cjs' : 'esm',
      active,
      backend,
      configured: config.uplinks.map((u) => u.id),
      version: agent.VERSION,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
