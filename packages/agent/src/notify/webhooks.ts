/**
 * Webhooks: each event of the hub the hook subscribes to, POSTed as JSON
 * (the {@link AgentEvent}) and signed with HMAC-SHA256, alongside the exec
 * hooks.
 *
 * - Never blocks a switch: the hub hands the event over synchronously, it
 *   goes into the hook's queue, and delivery runs on its own.
 * - One delivery at a time per hook, in order; a failed one (network
 *   error, timeout, 5xx, 408, 429) is retried after 1 s, 2 s, 4 s… up to
 *   `maxBackoffMs`, `maxAttempts` in all; another 4xx is final.
 * - The queue is bounded: when it is full the oldest waiting event is
 *   dropped (and counted), so a dead receiver never eats memory.
 *
 * Signature: `X-Wanwatch-Signature: sha256=<hex>` over
 * `<X-Wanwatch-Timestamp>.<body>` with the secret; a receiver recomputes
 * it, compares in constant time and refuses old timestamps (replays).
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EventEmitter } from 'eventemitter3';
import { systemClock, type Clock, type TimerHandle } from '@wanwatch/core';
import type { AgentEvent, AgentEventType, EventHub } from '../events/hub.js';
import { VERSION } from '../version.js';

/** One webhook of the config. */
export interface WebhookSettings {
  readonly url: string;
  /** HMAC key. */
  readonly secret: string;
  readonly events: readonly AgentEventType[];
  readonly timeoutMs: number;
}

/** Delivery limits shared by every hook. */
export interface WebhookLimits {
  readonly queue: number;
  readonly maxAttempts: number;
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
}

export const WEBHOOK_DEFAULTS = Object.freeze({
  events: Object.freeze(['state', 'switch-done', 'switch-failed', 'role'] as AgentEventType[]),
  timeoutMs: 5_000,
  queue: 1_000,
  maxAttempts: 8,
  firstBackoffMs: 1_000,
  maxBackoffMs: 300_000,
});

/** The outcome of one attempt, for logs and tests. */
export interface DeliveryAttempt {
  readonly url: string;
  readonly seq: number;
  readonly attempt: number;
  readonly ok: boolean;
  /** HTTP status, or null for a network error or timeout. */
  readonly status: number | null;
  readonly error?: string;
  /** When it will be retried (ms from now), null when it will not. */
  readonly retryInMs: number | null;
}

/** The signature header value for `body` sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume(); // the answer's body is not needed
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

class Webhook {
  private readonly queue: AgentEvent[] = [];
  private busy = false;
  private timer: TimerHandle | null = null;
  private closed = false;
  dropped = 0;
  delivered = 0;

  constructor(
    readonly settings: WebhookSettings,
    private readonly limits: WebhookLimits,
    private readonly clock: Clock,
    private readonly report: (a: DeliveryAttempt) => void,
    private readonly warn: (message: string) => void,
  ) {}

  enqueue(event: AgentEvent): void {
    if (this.closed || !this.settings.events.includes(event.type)) return;
    if (this.queue.length >= this.limits.queue) {
      // The head may be in flight: drop the oldest one waiting behind it.
      this.queue.splice(this.busy ? 1 : 0, 1);
      if (this.dropped++ % 100 === 0)
        this.warn(`webhook ${this.settings.url}: queue full (${this.limits.queue}); dropping the oldest events`);
    }
    this.queue.push(event);
    if (!this.busy) void this.pump(1);
  }

  private async pump(attempt: number): Promise<void> {
    const event = this.queue[0];
    if (!event || this.closed) return;
    this.busy = true;
    const body = JSON.stringify(event);
    const timestamp = Math.floor(this.clock.now() / 1000);
    let status: number | null = null;
    let error: string | undefined;
    try {
      status = await post(
        new URL(this.settings.url),
        body,
        {
          'user-agent': `wanwatch/${VERSION}`,
          'x-wanwatch-event': event.type,
          'x-wanwatch-delivery': String(event.seq),
          'x-wanwatch-timestamp': String(timestamp),
          'x-wanwatch-signature': signWebhook(this.settings.secret, timestamp, body),
        },
        this.settings.timeoutMs,
      );
    } catch (err) {
      error = (err as Error).message;
    }
    const ok = status !== null && status >= 200 && status < 300;
    const again = !ok && (status === null || retryable(status)) && attempt < this.limits.maxAttempts;
    const wait = Math.min(this.limits.maxBackoffMs, this.limits.firstBackoffMs * 2 ** (attempt - 1));
    this.report({
      url: this.settings.url,
      seq: event.seq,
      attempt,
      ok,
      status,
      ...(error === undefined ? {} : { error }),
      retryInMs: again ? wait : null,
    });
    if (this.closed) return;
    if (again) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        void this.pump(attempt + 1);
      }, wait);
      return;
    }
    if (ok) this.delivered++;
    else
      this.warn(
        `webhook ${this.settings.url}: event ${event.seq} (${event.type}) given up after ${attempt} attempt(s): ${error ?? `HTTP ${status}`}`,
      );
    this.queue.shift();
    this.busy = false;
    if (this.queue.length > 0) void this.pump(1);
  }

  /** Events waiting (the one in flight included). */
  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
  }
}

/**
 * Every webhook of the config, fed by the hub.
 *
 * @example
 * ```ts
 * const notifier = new WebhookNotifier(hub, [{ url, secret, events: ['switch-done'], timeoutMs: 5000 }]);
 * notifier.on('attempt', (a) => log(`${a.url}: ${a.ok ? 'delivered' : `failed (${a.status ?? a.error})`}`));
 * ```
 */
export class WebhookNotifier extends EventEmitter<{ attempt: [DeliveryAttempt]; warning: [string] }> {
  private readonly hooks: Webhook[];
  private readonly detach: () => void;

  constructor(
    hub: EventHub,
    settings: readonly WebhookSettings[],
    limits: Partial<WebhookLimits> = {},
    clock: Clock = systemClock,
  ) {
    super();
    const l: WebhookLimits = { ...WEBHOOK_DEFAULTS, ...limits };
    this.hooks = settings.map(
      (s) =>
        new Webhook(
          s,
          l,
          clock,
          (a) => this.emit('attempt', a),
          (m) => this.emit('warning', m),
        ),
    );
    const listener = (e: AgentEvent) => {
      for (const hook of this.hooks) hook.enqueue(e);
    };
    hub.on('event', listener);
    this.detach = () => hub.off('event', listener);
  }

  /** Per hook: events waiting, delivered and dropped. */
  stats(): { url: string; pending: number; delivered: number; dropped: number }[] {
    return this.hooks.map((h) => ({
      url: h.settings.url,
      pending: h.pending,
      delivered: h.delivered,
      dropped: h.dropped,
    }));
  }

  /** Stops listening and delivering (events still queued are lost). */
  close(): void {
    this.detach();
    for (const h of this.hooks) h.close();
  }
}
