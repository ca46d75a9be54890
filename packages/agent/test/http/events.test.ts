import assert from 'node:assert/strict';
import type { AgentEvent } from '@wanwatch/agent';
import { startHttpAgent, type HttpAgent } from '../support/http-agent.js';

/** Reads Server-Sent Events from a fetch response, one at a time. */
class SseReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(res: Response) {
    this.reader = res.body!.getReader();
  }

  /** The next event (comments skipped), within `ms`. */
  async next(ms = 5000): Promise<{ id: string; event: string; data: AgentEvent }> {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const fields = Object.fromEntries(
          block
            .split('\n')
            .filter((l) => !l.startsWith(':'))
            .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
        ) as Record<string, string>;
        if (fields.data === undefined) continue;
        return { id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) as AgentEvent };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${ms} ms; got so far: ${this.buffer}`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>(
          (_, reject) => (timer = setTimeout(() => reject(new Error('event stream timed out')), left)),
        ),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('the event stream ended');
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel();
  }
}

describe('HTTP API event stream (Server-Sent Events)', function () {
  this.timeout(30_000);
  let agent: HttpAgent;
  before(async () => {
    agent = await startHttpAgent();
  });
  after(async () => {
    await agent?.stop();
  });

  it('delivers switch and state events in order, and resumes from Last-Event-ID', async () => {
    const res = await agent.call('api/v1/events?types=switch-start,switch-done,state');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const stream = new SseReader(res);
    try {
      const post = (path: string, json?: unknown) =>
        agent.call(path, { method: 'POST', token: true, ...(json === undefined ? {} : { json }) });
      assert.equal((await post('api/v1/failover', { to: 'lte' })).status, 200);
      assert.equal((await post('api/v1/failback')).status, 200);
      const got = [];
      for (let i = 0; i < 4; i++) got.push(await stream.next());
      assert.deepEqual(
        got.map((e) => [e.event, e.data.uplink, (e.data.data as { reason: string }).reason]),
        [
          ['switch-start', 'lte', 'manual'],
          ['switch-done', 'lte', 'manual'],
          ['switch-start', 'fiber', 'failback'],
          ['switch-done', 'fiber', 'failback'],
        ],
      );
      const seqs = got.map((e) => e.data.seq);
      assert.deepEqual(
        got.map((e) => Number(e.id)),
        seqs,
      );
      for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `seq increases: ${seqs.join(', ')}`);
      assert.equal(typeof (got[1]!.data.data as { durationMs: number }).durationMs, 'number');

      // A client that lost the stream after the first switch gets the rest again.
      const again = await agent.call('api/v1/events?types=switch-done', {
        headers: { 'last-event-id': String(seqs[1]) },
      });
      const resumed = new SseReader(again);
      try {
        const missed = await resumed.next();
        assert.equal(missed.data.seq, seqs[3]);
        assert.equal(missed.data.uplink, 'fiber');
      } finally {
        await resumed.close();
      }
    } finally {
      await stream.close();
    }
  });

  it('refuses an unknown event type', async () => {
    const res = await agent.call('api/v1/events?types=switch-done,bogus');
    assert.equal(res.status, 400);
    assert.match(await res.text(), /unknown event type\(s\) bogus/);
  });
});
