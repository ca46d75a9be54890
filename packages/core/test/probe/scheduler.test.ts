import assert from 'node:assert/strict';
import sinon from 'sinon';
import {
  DEFAULT_SETTINGS,
  UplinkHealth,
  runRound,
  settingsForUplink,
  systemClock,
  type Probe,
  type ProbeResult,
  type Uplink,
} from '../../src/index.js';

const uplink: Uplink = { id: 'wan', priority: 10, targets: ['192.0.2.1', '192.0.2.2', '192.0.2.3'] };

describe('probe rounds', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('turns a throwing, hanging or reasonless probe into an `error` failure, never a crash', async () => {
    const answers: Record<string, () => Promise<ProbeResult>> = {
      '192.0.2.1': () => Promise.reject(new Error('bug')),
      '192.0.2.2': () => new Promise(() => undefined),
      // A probe written for the 0.1 shape, without a reason.
      '192.0.2.3': async () => ({ ok: false, error: 'timeout' }) as unknown as ProbeResult,
    };
    const probe: Probe = { send: (req) => answers[req.target]!() };
    const health = new UplinkHealth(uplink, settingsForUplink(DEFAULT_SETTINGS, uplink), 0);
    const round = runRound({ clock: systemClock, probe }, uplink, health, 'uplink');
    await clock.tickAsync(5_000);
    assert.deepEqual(
      (await round).map((r) => r.result),
      [
        { ok: false, reason: 'error', detail: 'probe error: bug' },
        { ok: false, reason: 'error', detail: 'probe did not return' },
        { ok: false, reason: 'error', detail: 'timeout' },
      ],
    );
  });
});
