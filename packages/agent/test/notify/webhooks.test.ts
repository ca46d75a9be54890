import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import { EventHub, WebhookNotifier, signWebhook, type AgentEvent, type DeliveryAttempt } from '@wanwatch/agent';
import { startHttpAgent, type HttpAgent } from '../support/http-agent.js';
import { TempDir } from '../support/tmp.js';

const SECRET = 'webhook-secret-0123456789';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A local receiver answering with the next status of `script` (the last one repeats), or never when it is 0. */
class Receiver {
  readonly received: Received[] = [];
  private server!: Server;
  private waiters: (() => void)[] = [];
  url = '';

  constructor(private readonly script: number[]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.script[Math.min(this.received.length, this.script.length - 1)]!;
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        for (const w of this.waiters.splice(0)) w();
        if (status !== 0) res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** Resolves once `n` requests arrived. */
  async count(n: number): Promise<void> {
    while (this.received.length < n) await new Promise<void>((r) => this.waiters.push(r));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const event = (seq: number, type: AgentEvent['type'] = 'switch-done'): AgentEvent => ({
  seq,
  type,
  at: 1_700_000_000_000 + seq,
  uplink: 'lte',
  data: { from: 'fiber', to: 'lte', reason: 'failover' },
});

/** Feeds events into a hub as the engine would. */
const publish = (hub: EventHub, e: AgentEvent) => hub.emit('event', e);

function verify(r: Received): boolean {
  const ts = String(r.headers['x-wanwatch-timestamp']);
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')}`;
  const got = String(r.headers['x-wanwatch-signature']);
  return got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
}

describe('webhooks', function () {
  this.timeout(20_000);
  let clock: sinon.SinonFakeTimers;
  let receiver: Receiver;
  let notifier: WebhookNotifier | null;
  const attempts: DeliveryAttempt[] = [];
  const nextAttempt = () => new Promise<DeliveryAttempt>((resolve) => notifier!.once('attempt', resolve));

  beforeEach(() => {
    attempts.length = 0;
    // Only the retry timers are faked; sockets run for real.
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], now: 1_700_000_000_000 });
  });
  afterEach(async () => {
    notifier?.close();
    notifier = null;
    clock.restore();
    await receiver?.stop();
  });

  it('retries with doubling back-off against a receiver that fails, then delivers in order, signed', async () => {
    const startedS = Math.floor(Date.now() / 1000); // Date is real here: only timers are faked
    receiver = await new Receiver([500, 503, 200]).start();
    const hub = new EventHub();
    notifier = new WebhookNotifier(hub, [
      { url: receiver.url, secret: SECRET, events: ['switch-done'], timeoutMs: 2000 },
    ]);
    notifier.on('attempt', (a) => attempts.push(a));
    let attempt = nextAttempt();
    publish(hub, event(1));
    publish(hub, event(2, 'sample')); // not subscribed
    publish(hub, event(3));
    assert.deepEqual(await attempt, { url: receiver.url, seq: 1, attempt: 1, ok: false, status: 500, retryInMs: 1000 });
    attempt = nextAttempt();
    await clock.tickAsync(999);
    assert.equal(receiver.received.length, 1, 'not retried before the back-off');
    await clock.tickAsync(1);
    assert.deepEqual(await attempt, { url: receiver.url, seq: 1, attempt: 2, ok: false, status: 503, retryInMs: 2000 });
    attempt = nextAttempt();
    await clock.tickAsync(2000);
    assert.equal((await attempt).ok, true);
    attempt = nextAttempt();
    assert.deepEqual(await attempt, { url: receiver.url, seq: 3, attempt: 1, ok: true, status: 200, retryInMs: null });
    assert.deepEqual(
      receiver.received.map((r) => (JSON.parse(r.body) as AgentEvent).seq),
      [1, 1, 1, 3],
      'event 3 waits for event 1',
    );
    const endedS = Math.floor(Date.now() / 1000);
    for (const r of receiver.received) {
      assert.ok(verify(r), 'the signature checks out');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-wanwatch-event'], 'switch-done');
      const ts = Number(r.headers['x-wanwatch-timestamp']);
      assert.ok(ts >= startedS && ts <= endedS, `timestamp ${ts} is the sending second (${startedS}..${endedS})`);
    }
    assert.equal(receiver.received[3]!.headers['x-wanwatch-delivery'], '3');
    assert.equal(signWebhook('k', 1, '{}'), `sha256=${createHmac('sha256', 'k').update('1.{}').digest('hex')}`);
    assert.deepEqual(notifier.stats(), [{ url: receiver.url, pending: 0, delivered: 2, dropped: 0 }]);
  });

  it('gives up on a 4xx at once and after maxAttempts on 5xx, and drops the oldest when the queue is full', async () => {
    receiver = await new Receiver([404, 500]).start();
    const hub = new EventHub();
    notifier = new WebhookNotifier(
      hub,
      [{ url: receiver.url, secret: SECRET, events: ['switch-done'], timeoutMs: 2000 }],
      { queue: 3, maxAttempts: 2 },
    );
    const warnings: string[] = [];
    notifier.on('warning', (w) => warnings.push(w));
    let attempt = nextAttempt();
    publish(hub, event(1));
    assert.deepEqual(await attempt, { url: receiver.url, seq: 1, attempt: 1, ok: false, status: 404, retryInMs: null });
    attempt = nextAttempt();
    // Event 2 goes out at once; while it waits for its retry, 3…6 arrive: 3 and 4 are dropped.
    publish(hub, event(2));
    assert.equal((await attempt).retryInMs, 1000);
    for (const seq of [3, 4, 5, 6]) publish(hub, event(seq));
    assert.deepEqual(notifier.stats()[0], { url: receiver.url, pending: 3, delivered: 0, dropped: 2 });
    attempt = nextAttempt();
    await clock.tickAsync(1000);
    assert.deepEqual(await attempt, { url: receiver.url, seq: 2, attempt: 2, ok: false, status: 500, retryInMs: null });
    await receiver.count(4);
    assert.equal((JSON.parse(receiver.received[3]!.body) as AgentEvent).seq, 5);
    assert.ok(warnings.some((w) => /event 1 \(switch-done\) given up after 1 attempt\(s\): HTTP 404/.test(w)));
    assert.ok(warnings.some((w) => /queue full \(3\)/.test(w)));
  });
});

describe('webhooks in the agent', function () {
  this.timeout(30_000);
  let agent: HttpAgent | null = null;
  let receiver: Receiver;
  afterEach(async () => {
    await agent?.stop();
    await receiver?.stop();
  });

  it('never hold up a switch, even when the receiver does not answer', async () => {
    receiver = await new Receiver([0]).start();
    const secrets = new TempDir();
    try {
      const secretFile = secrets.file('secret', `${SECRET}\n`, 0o600);
      agent = await startHttpAgent(
        '',
        `webhooks:\n  - { url: "${receiver.url}", secretFile: ${secretFile}, events: [switch-start, switch-done], timeout: 10s }`,
      );
      const started = Date.now();
      const res = await agent.call('api/v1/failover', { method: 'POST', token: true, json: { to: 'lte' } });
      assert.equal(res.status, 200);
      assert.ok(Date.now() - started < 2000, `the switch took ${Date.now() - started} ms`);
      await receiver.count(1);
      const first = JSON.parse(receiver.received[0]!.body) as AgentEvent;
      assert.deepEqual([first.type, first.uplink], ['switch-start', 'lte']);
      assert.ok(verify(receiver.received[0]!));
      // The receiver still holds the first delivery: the second waits behind it.
      assert.deepEqual(
        agent.daemon.webhookStats().map((s) => s.pending),
        [2],
      );
    } finally {
      secrets.remove();
    }
  });
});
