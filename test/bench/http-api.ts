/**
 * `npm run bench:http` — what the HTTP API costs and how fast it answers,
 * on the in-process agent with simulated uplinks (no root needed):
 *
 * 1. `GET /api/v1/status` and `GET /metrics` latency (sequential requests);
 * 2. event-stream delay: from the engine's `switch:done` to the SSE client;
 * 3. a switch through `POST /api/v1/failover` with no webhook and with a
 *    webhook whose receiver never answers (the switch must not wait for it);
 * 4. `GET /api/v1/history?limit=100` over a full rotated history
 *    (6 files × 1 MiB, about 40,000 entries).
 *
 * Options: `--requests N` (default 1000), `--switches N` (default 20).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpAgent, type HttpAgent } from '../../packages/agent/test/support/http-agent.js';
import { TempDir } from '../../packages/agent/test/support/tmp.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const REQUESTS = Number(arg('requests', '1000'));
const SWITCHES = Number(arg('switches', '20'));

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const fmt = (xs: number[]) =>
  `p50 ${quantile(xs, 0.5).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms (n=${xs.length})`;

async function timed(n: number, work: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await work();
    out.push(performance.now() - t);
  }
  return out;
}

async function switches(agent: HttpAgent): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SWITCHES; i++) {
    const path = i % 2 === 0 ? 'api/v1/failover' : 'api/v1/failback';
    const t = performance.now();
    const res = await agent.call(path, {
      method: 'POST',
      token: true,
      ...(i % 2 === 0 ? { json: { to: 'lte' } } : {}),
    });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    out.push(performance.now() - t);
  }
  return out;
}

async function streamDelay(agent: HttpAgent): Promise<number[]> {
  const emitted = new Map<number, number>();
  agent.daemon.engine()!.on('switch:done', (e) => emitted.set(e.id, performance.now()));
  const res = await agent.call('api/v1/events?types=switch-done');
  const reader: ReadableStreamDefaultReader<Uint8Array> = res.body!.getReader();
  const delays: number[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reading = (async () => {
    while (delays.length < SWITCHES) {
      const { done, value } = await reader.read();
      if (done) break;
      const now = performance.now();
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((l) => l.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (!data) continue;
        const e = JSON.parse(data.slice(6)) as { data: { id: number } };
        delays.push(now - emitted.get(e.data.id)!);
      }
    }
  })();
  await switches(agent);
  await reading;
  await reader.cancel();
  return delays;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${REQUESTS} requests, ${SWITCHES} switches`);
  const agent = await startHttpAgent(', changesPerMinute: 600');
  try {
    console.log(
      `GET /api/v1/status: ${fmt(await timed(REQUESTS, async () => (await agent.call('api/v1/status')).arrayBuffer()))}`,
    );
    const metrics = await (await agent.call('metrics')).text();
    console.log(
      `GET /metrics (${metrics.length} bytes): ${fmt(await timed(REQUESTS, async () => (await agent.call('metrics')).arrayBuffer()))}`,
    );
    console.log(`switch:done → SSE client: ${fmt(await streamDelay(agent))}`);
    console.log(`POST failover/failback, no webhook: ${fmt(await switches(agent))}`);
  } finally {
    await agent.stop();
  }

  // A receiver that takes requests and never answers.
  const hanging = createServer(() => undefined);
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`;
  const secrets = new TempDir();
  const secret = secrets.file('secret', 'bench-secret-0123456789abcdef\n', 0o600);
  const withHook = await startHttpAgent(
    ', changesPerMinute: 600',
    `webhooks:\n  - { url: "${url}", secretFile: ${secret}, events: [switch-start, switch-done, state], timeout: 30s }`,
  );
  try {
    console.log(`POST failover/failback, webhook never answering: ${fmt(await switches(withHook))}`);
    console.log(`  webhook queue after: ${JSON.stringify(withHook.daemon.webhookStats()[0])}`);
    // A full rotated history: 6 files of 1 MiB.
    const state = withHook.dir.join('state');
    const now = Date.now();
    let n = 0;
    for (const file of [
      'history.jsonl.5',
      'history.jsonl.4',
      'history.jsonl.3',
      'history.jsonl.2',
      'history.jsonl.1',
    ]) {
      const lines: string[] = [];
      let bytes = 0;
      while (bytes < 1024 * 1024 - 200) {
        const line = `${JSON.stringify({ at: now - 86_400_000 + n++ * 1000, type: 'state', uplink: 'lte', message: `lte: up → down (4 rounds failed: 0 of 3 targets answered) #${n}` })}\n`;
        lines.push(line);
        bytes += Buffer.byteLength(line);
      }
      writeFileSync(join(state, file), lines.join(''));
    }
    console.log(
      `GET /api/v1/history?limit=100 over ${n}+ entries in 6 files: ${fmt(await timed(50, async () => (await withHook.call('api/v1/history?limit=100')).arrayBuffer()))}`,
    );
  } finally {
    await withHook.stop();
    secrets.remove();
    hanging.closeAllConnections();
    hanging.close();
  }
}

await main();
