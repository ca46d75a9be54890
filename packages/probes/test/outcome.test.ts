import assert from 'node:assert/strict';
import sinon from 'sinon';
import { settleOnce } from '../src/outcome.js';

describe('settleOnce', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('settles with what the probe reports and cleans up once', async () => {
    const cleanup = sinon.spy();
    const result = settleOnce(1000, undefined, (settle) => {
      setTimeout(() => {
        settle({ ok: true, rttMs: 12 });
        settle({ ok: false, reason: 'error', detail: 'late' });
      }, 10);
      return cleanup;
    });
    await clock.tickAsync(2000);
    assert.deepEqual(await result, { ok: true, rttMs: 12 });
    assert.equal(cleanup.callCount, 1);
  });

  it('times out, and aborts, each with its reason and a clean-up', async () => {
    const cleanup = sinon.spy();
    const timedOut = settleOnce(300, undefined, () => cleanup);
    await clock.tickAsync(300);
    assert.deepEqual(await timedOut, { ok: false, reason: 'timeout', detail: 'timeout' });
    const controller = new AbortController();
    const aborted = settleOnce(300, controller.signal, () => cleanup);
    controller.abort();
    assert.deepEqual(await aborted, { ok: false, reason: 'aborted', detail: 'aborted' });
    assert.equal(cleanup.callCount, 2);
  });

  it('turns a throwing probe into a failure, and cleans up a probe that settled before returning', async () => {
    const thrown = await settleOnce(300, undefined, () => {
      throw Object.assign(new Error('bad address'), { code: 'EINVAL' });
    });
    assert.equal(thrown.ok, false);
    const cleanup = sinon.spy();
    const early = await settleOnce(300, undefined, (settle) => {
      settle({ ok: false, reason: 'unreachable', detail: 'ENETUNREACH' });
      return cleanup;
    });
    assert.deepEqual(early, { ok: false, reason: 'unreachable', detail: 'ENETUNREACH' });
    assert.equal(cleanup.callCount, 1);
    assert.equal(clock.countTimers(), 0, 'no timer left behind');
  });
});
