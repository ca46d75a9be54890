import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { HistoryEntry, UplinkStatus } from '@wanwatch/core';
import { hostAllowed, type SampleRange, type StatusResult, type WireError } from '@wanwatch/agent';
import { waitFor } from '../support/agent.js';
import { startHttpAgent, TOKEN, type HttpAgent } from '../support/http-agent.js';

type Body<T> = { ok: true; result: T } | { ok: false; error: WireError };

async function expectError(res: Response, status: number, code: string, pattern?: RegExp): Promise<WireError> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = JSON.parse(text) as Body<unknown>;
  assert.equal(body.ok, false);
  assert.ok(!body.ok);
  assert.equal(body.error.code, code);
  if (pattern) assert.match(body.error.message, pattern);
  assert.doesNotMatch(text, /\bat .*\.js:\d+/, 'no stack trace');
  return body.error;
}

async function result<T>(res: Response): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const body = JSON.parse(text) as Body<T>;
  assert.ok(body.ok, text);
  return body.result;
}

describe('HTTP API (contract)', function () {
  this.timeout(30_000);
  let agent: HttpAgent;
  before(async () => {
    agent = await startHttpAgent(', changesPerMinute: 20, maxBody: 1024');
  });
  after(async () => {
    await agent?.stop();
  });

  it('serves status without a token: every uplink with state, RTT, loss, jitter, penalty, active and the role', async () => {
    assert.match(agent.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const st = await result<StatusResult>(await agent.call('api/v1/status'));
    assert.equal(st.active, 'fiber');
    assert.equal(st.role, 'master');
    assert.deepEqual(
      st.uplinks.map((u) => [u.id, u.state, u.active]),
      [
        ['fiber', 'up', true],
        ['lte', 'up', false],
      ],
    );
    const fiber = st.uplinks[0]!;
    assert.ok(fiber.metrics.rttMs! > 5 && fiber.metrics.rttMs! < 30, `fiber rtt ${fiber.metrics.rttMs}`);
    assert.equal(typeof fiber.metrics.lossPct, 'number');
    assert.equal(typeof fiber.penalty, 'number');
    assert.ok('pendingFailback' in st);
    const lte = await result<UplinkStatus>(await agent.call('api/v1/uplinks/lte'));
    assert.equal(lte.id, 'lte');
    assert.ok(lte.metrics.rttMs! > 30, `lte rtt ${lte.metrics.rttMs}`);
  });

  it('refuses changes without the token or with a wrong one, and nothing switches', async () => {
    const none = await agent.call('api/v1/failover', { method: 'POST', json: { to: 'lte' } });
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="wanwatch"');
    await expectError(none, 401, 'E_UNAUTHORIZED', /bearer token/);
    await expectError(
      await agent.call('api/v1/failover', { method: 'POST', json: { to: 'lte' }, token: `${TOKEN}x` }),
      401,
      'E_UNAUTHORIZED',
    );
    await expectError(
      await agent.call('api/v1/hold', { method: 'POST', json: { uplink: 'lte' }, token: 'short' }),
      401,
      'E_UNAUTHORIZED',
    );
    assert.equal((await agent.status()).active, 'fiber');
  });

  it('refuses an oversized body, a body that is not a JSON object, and unknown endpoints and methods', async () => {
    await expectError(
      await agent.call('api/v1/failover', { method: 'POST', json: { to: 'lte', pad: 'x'.repeat(2000) }, token: true }),
      413,
      'E_TOO_LARGE',
      /over 1024 bytes/,
    );
    await expectError(
      await agent.call('api/v1/failover', {
        method: 'POST',
        body: '{"to": "lte"',
        headers: { 'content-type': 'application/json' },
        token: true,
      }),
      400,
      'E_BAD_REQUEST',
      /not valid JSON/,
    );
    await expectError(
      await agent.call('api/v1/hold', { method: 'POST', json: ['lte'], token: true }),
      400,
      'E_BAD_REQUEST',
      /JSON object/,
    );
    await expectError(
      await agent.call('api/v1/hold', { method: 'POST', body: 'uplink=lte', token: true }),
      415,
      'E_UNSUPPORTED_MEDIA_TYPE',
    );
    await expectError(await agent.call('api/v2/status'), 404, 'E_NOT_FOUND');
    const wrong = await agent.call('api/v1/failover', { token: true });
    assert.equal(wrong.headers.get('allow'), 'POST');
    await expectError(wrong, 405, 'E_METHOD_NOT_ALLOWED');
    assert.equal((await agent.status()).active, 'fiber');
  });

  it('refuses a Host header that is not an address, localhost or allowed (DNS rebinding)', async () => {
    const withHost = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(new URL('api/v1/status', agent.url), { headers: { host } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const evil = await withHost('attacker.example:8686');
    assert.equal(evil.status, 421);
    assert.equal((JSON.parse(evil.body) as { error: WireError }).error.code, 'E_BAD_HOST');
    for (const ok of ['localhost:8686', '127.0.0.1', '[::1]:8686']) assert.equal((await withHost(ok)).status, 200, ok);
    assert.ok(hostAllowed('router.lan:8686', ['router.lan']));
  });

  it('names the known uplinks when asked about an unknown one', async () => {
    await expectError(await agent.call('api/v1/uplinks/nope'), 404, 'E_UNKNOWN_UPLINK', /known: fiber, lte/);
    await expectError(
      await agent.call('api/v1/failover', { method: 'POST', json: { to: 'nope' }, token: true }),
      404,
      'E_UNKNOWN_UPLINK',
    );
    await expectError(
      await agent.call('api/v1/failover', { method: 'POST', json: {}, token: true }),
      400,
      'E_BAD_REQUEST',
      /"to"/,
    );
  });

  it('switches once for concurrent failover requests to the same uplink', async () => {
    const since = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        agent
          .call('api/v1/failover', { method: 'POST', json: { to: 'lte' }, token: true })
          .then(result<{ switched: boolean; to?: string }>),
      ),
    );
    assert.deepEqual(answers.map((a) => a.switched).sort(), [false, false, false, true]);
    assert.equal(answers.find((a) => a.switched)?.to, 'lte');
    assert.equal((await agent.status()).active, 'lte');
    // Every change is logged with what was asked, by whom and the outcome.
    assert.ok(
      agent.lines.some((l) => /notice HTTP failover \{"to":"lte"\} from 127\.0\.0\.1: \{"switched":true/.test(l)),
      agent.lines.join('\n'),
    );
    const page = await result<{ entries: HistoryEntry[] }>(await agent.call(`api/v1/history?since=${since}`));
    assert.equal(page.entries.filter((e) => e.type === 'switch').length, 1);
  });

  it('holds, releases and fails back on request', async () => {
    const held = await result<{ switched: boolean }>(
      await agent.call('api/v1/hold', { method: 'POST', json: { uplink: 'lte' }, token: true }),
    );
    assert.equal(held.switched, false);
    assert.equal((await agent.status()).uplinks[1]!.held, true);
    await result(await agent.call('api/v1/release', { method: 'POST', token: true }));
    assert.equal((await agent.status()).uplinks[1]!.held, false);
    const back = await result<{ switched: boolean; to: string; reason: string }>(
      await agent.call('api/v1/failback', { method: 'POST', token: true }),
    );
    assert.deepEqual([back.switched, back.to, back.reason], [true, 'fiber', 'failback']);
    const reloaded = await result<{ reloaded: boolean; active: string }>(
      await agent.call('api/v1/reload', { method: 'POST', token: true }),
    );
    assert.deepEqual(reloaded, { reloaded: true, active: 'fiber' });
    // The reloaded engine measures its uplinks again; settled, it writes no more history.
    await waitFor('both uplinks up after the reload', async () =>
      (await agent.status()).uplinks.every((u) => u.state === 'up') ? true : undefined,
    );
  });

  it('pages through history, newest page first, with since', async () => {
    const all = await result<{ entries: HistoryEntry[]; next: number | null }>(
      await agent.call('api/v1/history?limit=1000'),
    );
    assert.ok(all.entries.length >= 6, `history has ${all.entries.length} entries`);
    assert.equal(all.next, null);
    const first = await result<{ entries: HistoryEntry[]; next: number | null }>(
      await agent.call('api/v1/history?limit=2'),
    );
    assert.deepEqual(first.entries, all.entries.slice(-2));
    assert.equal(first.next, first.entries[0]!.at);
    const second = await result<{ entries: HistoryEntry[] }>(
      await agent.call(`api/v1/history?limit=2&before=${first.next}`),
    );
    assert.ok(second.entries.every((e) => e.at < first.next!));
    assert.deepEqual(second.entries, all.entries.filter((e) => e.at < first.next!).slice(-2));
    const recent = all.entries.at(-3)!.at;
    const since = await result<{ entries: HistoryEntry[] }>(
      await agent.call(`api/v1/history?since=${new Date(recent).toISOString()}`),
    );
    assert.deepEqual(
      since.entries,
      all.entries.filter((e) => e.at >= recent),
    );
    // Entries sharing the page's first millisecond are never split across pages (the cursor is a time).
    const t = Date.now() + 3_600_000;
    const tied = [t, t, t, t + 1].map((at, i) => JSON.stringify({ at, type: 'note', message: `tied ${i}` }));
    appendFileSync(agent.dir.join('state', 'history.jsonl'), `${tied.join('\n')}\n`);
    const top = await result<{ entries: HistoryEntry[]; next: number | null }>(
      await agent.call('api/v1/history?limit=2'),
    );
    assert.deepEqual(
      top.entries.map((e) => e.message),
      ['tied 0', 'tied 1', 'tied 2', 'tied 3'],
    );
    assert.equal(top.next, t);
    const below = await result<{ entries: HistoryEntry[] }>(await agent.call(`api/v1/history?limit=1&before=${t}`));
    assert.deepEqual(below.entries, all.entries.slice(-1));
    await expectError(await agent.call('api/v1/history?limit=0'), 400, 'E_BAD_REQUEST', /limit/);
    await expectError(await agent.call('api/v1/history?since=yesterday'), 400, 'E_BAD_REQUEST', /since/);
  });

  it('serves the charts’ samples for a range: 10-second points for an hour, minutes for a day', async () => {
    const point = agent.daemon.hub.sample()!; // a point now, instead of waiting for the next 10 s
    const hour = await result<SampleRange>(await agent.call('api/v1/samples'));
    assert.equal(hour.stepMs, 10_000);
    assert.equal(hour.to - hour.from, 3_600_000);
    assert.deepEqual(hour.points.at(-1), point);
    assert.deepEqual(
      point.uplinks.map((u) => [u.id, u.state, u.rttMs !== null && u.rttMs > 0, u.sent > 0]),
      [
        ['fiber', 'up', true, true],
        ['lte', 'up', true, true],
      ],
    );
    const day = await result<SampleRange>(await agent.call('api/v1/samples?range=24h'));
    assert.equal(day.stepMs, 60_000);
    assert.equal(day.to - day.from, 24 * 3_600_000);
    // The minute so far, ending with the last 10-second point.
    assert.equal(day.points.at(-1)!.at, point.at);
    assert.ok(day.points.at(-1)!.spanMs <= 60_000);
    for (const bad of ['2d', 'yesterday', '0s'])
      assert.match(
        (await expectError(await agent.call(`api/v1/samples?range=${bad}`), 400, 'E_BAD_REQUEST')).message,
        /^range must be a duration from 1m to 24h/,
      );
  });

  it('rate-limits changes with 429 and Retry-After, reads stay open', async () => {
    let limited: Response | null = null;
    for (let i = 0; i < 22 && !limited; i++) {
      const res = await agent.call('api/v1/release', { method: 'POST', token: true });
      if (res.status === 429) limited = res;
      else await result(res);
    }
    assert.ok(limited, 'a 429 within 22 changes at 20 per minute');
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    await expectError(limited, 429, 'E_RATE_LIMITED', /20 changes per minute/);
    await result(await agent.call('api/v1/status'));
  });
});

describe('HTTP API with readToken', function () {
  this.timeout(30_000);
  let agent: HttpAgent;
  before(async () => {
    agent = await startHttpAgent(', readToken: true');
  });
  after(async () => {
    await agent?.stop();
  });

  it('needs the token for reads too, but serves the status page itself', async () => {
    await expectError(await agent.call('api/v1/status'), 401, 'E_UNAUTHORIZED');
    await expectError(await agent.call('metrics'), 401, 'E_UNAUTHORIZED');
    assert.equal((await agent.call('api/v1/status', { token: true })).status, 200);
    const page = await agent.call('');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>wanwatch/);
  });
});
