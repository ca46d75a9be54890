import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Lab, SERVICES } from '@wanwatch/netlab';
import { ProbeHost, uplinkOf } from './support/lab-probe.js';

const LAB_CA = fileURLToPath(new URL('../../netlab/fixtures/lab-tls.crt', import.meta.url));

describe('TCP, HTTP(S) and DNS probes in the lab', function () {
  this.timeout(30_000);
  let lab: Lab;
  let host: ProbeHost;
  before(async () => {
    lab = await Lab.create({ uplinks: 2 });
    host = await ProbeHost.start(lab, { caFile: LAB_CA });
  });
  afterEach(() => lab.faults.clearAll());
  after(async () => {
    await host?.stop();
    await lab?.destroy();
  });

  const forms = {
    4: {
      tcp: `tcp:${lab4(10)}:${SERVICES.tcpPort}`,
      http: `http://${SERVICES.v4}/`,
      https: `https://${SERVICES.v4}/`,
      dns: `dns:${SERVICES.dns4}:example.org`,
    },
    6: {
      tcp: `tcp:[2001:db8:d::10]:${SERVICES.tcpPort}`,
      http: `http://[${SERVICES.v6}]/`,
      https: `https://[${SERVICES.v6}]/`,
      dns: `dns:[${SERVICES.dns6}]:example.org:AAAA`,
    },
  } as const;

  function lab4(last: number): string {
    return `198.51.100.${last}`;
  }

  for (const family of [4, 6] as const) {
    for (const [kind, target] of Object.entries(forms[family])) {
      it(`${kind} leaves through the non-default uplink and is seen dead with it (IPv${family})`, async () => {
        const uplink = uplinkOf(lab, 2, family);
        // The default uplink is dead: only a probe that really leaves through wan2 can succeed.
        const deadDefault = await lab.faults.upstreamBlackhole(1);
        const good = await host.send({ target, uplink, timeoutMs: 1000 });
        assert.equal(good.ok, true, JSON.stringify(good));
        if (good.ok) assert.ok(good.rttMs > 0 && good.rttMs < 200, `rtt ${good.rttMs}`);
        await deadDefault.clear();
        await lab.faults.upstreamBlackhole(2);
        assert.deepEqual(await host.send({ target, uplink, timeoutMs: 300 }), {
          ok: false,
          reason: 'timeout',
          detail: 'timeout',
        });
        assert.equal((await host.send({ target, uplink: uplinkOf(lab, 1, family), timeoutMs: 1000 })).ok, true);
      });
    }
  }

  it('tcp: a closed port is a failure with the reason', async () => {
    const r = await host.send({ target: `tcp:${lab4(10)}:9`, uplink: uplinkOf(lab, 2) });
    assert.deepEqual(r, { ok: false, reason: 'refused', detail: 'ECONNREFUSED' });
  });

  it('http: checks the status and, when asked, the body', async () => {
    const uplink = uplinkOf(lab, 2);
    const send = (target: string) => host.send({ target, uplink, timeoutMs: 1000 });
    assert.deepEqual(await send(`http://${SERVICES.v4}/status/503`), {
      ok: false,
      reason: 'refused',
      detail: 'http 503',
    });
    assert.equal((await send(`http://${SERVICES.v4}/status/503#status=500-599`)).ok, true);
    assert.equal((await send(`http://${SERVICES.v4}/#match=lab%20ok`)).ok, true);
    assert.deepEqual(await send(`http://${SERVICES.v4}/#match=captive`), {
      ok: false,
      reason: 'refused',
      detail: 'http body mismatch: no "captive"',
    });
  });

  it('https: fails on a certificate it does not trust', async () => {
    const untrusting = await ProbeHost.start(lab);
    try {
      const r = await untrusting.send({ target: `https://${SERVICES.v4}/`, uplink: uplinkOf(lab, 2), timeoutMs: 1000 });
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.detail : '', /SELF_SIGNED|self.signed/i);
    } finally {
      await untrusting.stop();
    }
  });

  it('dns: NXDOMAIN counts as an answer, SERVFAIL does not', async () => {
    const uplink = uplinkOf(lab, 2);
    assert.equal((await host.send({ target: `dns:${SERVICES.dns4}:nx.example.org`, uplink })).ok, true);
    assert.deepEqual(await host.send({ target: `dns:${SERVICES.dns4}:servfail.example.org`, uplink }), {
      ok: false,
      reason: 'refused',
      detail: 'dns SERVFAIL',
    });
  });

  it("path 'default' does not bind to the uplink: it follows the default route", async () => {
    await lab.faults.upstreamBlackhole(1);
    const r = await host.send({
      target: `http://${SERVICES.v4}/`,
      uplink: uplinkOf(lab, 2),
      path: 'default',
      timeoutMs: 300,
    });
    assert.deepEqual(r, { ok: false, reason: 'timeout', detail: 'timeout' });
  });

  it('fails at once, without waiting for a timeout, when the uplink has no carrier', async () => {
    await lab.faults.carrierLoss(2);
    const start = performance.now();
    const r = await host.send({ target: forms[4].tcp, uplink: uplinkOf(lab, 2), timeoutMs: 2000 });
    assert.match(!r.ok ? r.detail : 'ok', /^ENETDOWN: wan2 (has no|lost) carrier$/);
    // At once means long before the 2 s timeout; the margin is for a loaded CI machine.
    assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
  });
});
