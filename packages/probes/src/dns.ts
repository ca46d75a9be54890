/**
 * DNS probe: asks one named server for one name (A or AAAA) with node:dns's
 * Resolver (c-ares) bound to the uplink's address. Success means the server
 * answered: an answer, NXDOMAIN or "no data" all prove the path and the
 * server work; SERVFAIL, REFUSED and silence do not.
 */
import { Resolver } from 'node:dns';
import type { ProbeResult } from '@wanwatch/core';
import type { Egress } from './egress.js';
import { fail, failureOf, ok, settleOnce } from './outcome.js';

const ANSWERED = new Set(['ENOTFOUND', 'ENODATA']);
/** c-ares codes: the server's answers (refused), and c-ares' own timeout and cancellation. */
const RCODES: Readonly<Record<string, ProbeResult>> = {
  ESERVFAIL: fail('refused', 'dns SERVFAIL'),
  EREFUSED: fail('refused', 'dns REFUSED'),
  EFORMERR: fail('refused', 'dns FORMERR'),
  EBADRESP: fail('refused', 'dns bad response'),
  ETIMEOUT: fail('timeout'),
  ECANCELLED: fail('aborted'),
};

/** One query. Never rejects. */
export function dnsQuery(
  egress: Egress,
  name: string,
  type: 'A' | 'AAAA',
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return settleOnce(timeoutMs, signal, (settle) => {
    // c-ares' own timeout is per try and grows; settleOnce's is the probe's.
    const resolver = new Resolver({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
    resolver.setServers([egress.family === 6 ? `[${egress.address}]:53` : `${egress.address}:53`]);
    if (egress.source) {
      if (egress.family === 4) resolver.setLocalAddress(egress.source);
      else resolver.setLocalAddress('0.0.0.0', egress.source.split('%')[0]);
    }
    const start = performance.now();
    const done = (err: NodeJS.ErrnoException | null) => {
      if (!err || ANSWERED.has(err.code ?? '')) settle(ok(performance.now() - start));
      else settle(RCODES[err.code ?? ''] ?? failureOf(err));
    };
    if (type === 'A') resolver.resolve4(name, (err) => done(err));
    else resolver.resolve6(name, (err) => done(err));
    return () => resolver.cancel();
  });
}
