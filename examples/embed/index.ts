/**
 * Embedding wanwatch in your own program, the way other firewall tooling
 * would: an engine from @wanwatch/core, the ICMP probes of @wanwatch/probes
 * and the iproute2 adapter of @wanwatch/linux; the program listens to the
 * engine's events and serves its own small status endpoint.
 *
 * Run it as root on a Linux router (it moves the default route):
 *
 *   tsx examples/embed/index.ts \
 *     --uplink fiber:eth1:192.0.2.1 --uplink lte:wwan0:auto \
 *     --target 192.0.2.10 --target 198.51.100.53 --status 127.0.0.1:8687
 *
 * Uplinks are `name:interface:gateway` (gateway `auto`: from the routing
 * table), preferred in the order given. Each event is one JSON line on
 * stdout; `GET /status` on --status answers with the active uplink and each
 * uplink's state, RTT and loss. SIGTERM or SIGINT stop it; routing is left
 * as it is. The test suite runs it in a netlab router namespace
 * (test/e2e/embed-example.test.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Engine, isInterfaceName, type Uplink } from '@wanwatch/core';
import { LinuxAdapter } from '@wanwatch/linux';
import { createProbe } from '@wanwatch/probes';

const { values } = parseArgs({
  options: {
    uplink: { type: 'string', multiple: true },
    target: { type: 'string', multiple: true },
    status: { type: 'string', default: '127.0.0.1:8687' },
    'failback-delay': { type: 'string', default: '60' },
  },
});

const emit = (record: Record<string, unknown>) => console.log(JSON.stringify({ at: Date.now(), ...record }));

function uplinksFrom(specs: readonly string[], targets: readonly string[]): Uplink[] {
  return specs.map((spec, i) => {
    const [id, device, gateway] = spec.split(':');
    if (!id || !device || !isInterfaceName(device) || !gateway)
      throw new Error(`--uplink ${spec}: expected name:interface:gateway`);
    return { id, priority: (i + 1) * 10, interface: device, gateway, targets: [...targets] };
  });
}

async function main(): Promise<void> {
  const uplinks = uplinksFrom(values.uplink ?? [], values.target ?? []);
  if (uplinks.length === 0) throw new Error('give at least one --uplink name:interface:gateway and one --target');
  const logger = { warn: (message: string) => emit({ event: 'warning', message }) };

  const adapter = new LinuxAdapter(uplinks, { logger });
  const probe = createProbe({ resolveGateway: (u, family) => adapter.gatewayOf(u.id, family), logger });
  const engine = new Engine({
    uplinks,
    adapter,
    probe,
    settings: { failback: { delayMs: Number(values['failback-delay']) * 1000 } },
  });

  engine.on('uplink:state', (e) =>
    emit({ event: 'state', uplink: e.uplink, from: e.from, to: e.to, reason: e.reason }),
  );
  engine.on('switch:done', (e) =>
    emit({ event: 'switch', from: e.from, to: e.to, reason: e.reason, durationMs: e.durationMs }),
  );
  engine.on('switch:failed', (e) => emit({ event: 'switch-failed', to: e.to, step: e.step, error: e.error.message }));
  engine.on('warning', (e) => emit({ event: 'warning', message: e.error.message }));

  // Our own status, in our own shape.
  const server = createServer((req, res) => {
    if (req.url !== '/status') return void res.writeHead(404).end();
    const st = engine.status();
    const body = {
      active: st.active,
      uplinks: st.uplinks.map((u) => ({
        id: u.id,
        state: u.state,
        rttMs: u.metrics.rttMs,
        lossPct: u.metrics.lossPct,
      })),
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const [host, port] = [values.status.slice(0, values.status.lastIndexOf(':')), values.status.split(':').pop()];
  await new Promise<void>((resolve) => server.listen(Number(port), host, resolve));

  await engine.start();
  const address = server.address() as AddressInfo;
  emit({ event: 'ready', active: engine.status().active, status: `http://${address.address}:${address.port}/status` });

  const stop = async (signal: string) => {
    emit({ event: 'stopping', signal, active: engine.status().active });
    server.close();
    await engine.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(`embed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
