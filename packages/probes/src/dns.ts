/**
 * DNS probe: asks one named server for one name (A or AAAA) with node:dns's
 * Resolver (c-ares) bound to the uplink's address. Success means the server
 * answered: an answer, NXDOMAIN or "no data" all prove the path and the
 * server work; SERVFAIL, REFUSED and silence do not.
 */
import { Resolver } from 'node:dns';
import type { ProbeResult } from '@wanwatch/core';
import type { Egress } from './egress.js';
import { fail, ok, reasonOf } from './outcome.js';

const ANSWERED = new Set(['ENOTFOUND', 'ENODATA']);
const RCODES: Readonly<Record<string, string>> = {
  ESERVFAIL: 'dns SERVFAIL',
  EREFUSED: 'dns REFUSED',
  EFORMERR: 'dns FORMERR',
  EBADRESP: 'dns bad response',
  ETIMEOUT: 'timeout',
  ECANCELLED: 'aborted',
};

/** One query. Never rejects. */
export function dnsQuery(
  egress: Egress,
  name: string,
  type: 'A' | 'AAAA',
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    const resolver = new Resolver({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
    let settled = false;
    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolver.cancel();
      resolve(result);
    };
    // c-ares' own timeout is per try and grows; this one is the probe's.
    const timer = setTimeout(() => settle(fail('timeout')), timeoutMs);
    const onAbort = () => settle(fail('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      resolver.setServers([egress.family === 6 ? `[${egress.address}]:53` : `${egress.address}:53`]);
      if (egress.source) {
        if (egress.family === 4) resolver.setLocalAddress(egress.source);
        else resolver.setLocalAddress('0.0.0.0', egress.source.split('%')[0]);
      }
    } catch (err) {
      settle(fail(reasonOf(err)));
      return;
    }
    const start = performance.now();
    const done = (err: NodeJS.ErrnoException | null) => {
      if (!err || ANSWERED.has(err.code ?? '')) settle(ok(performance.now() - start));
      else settle(fail(RCODES[err.code ?? ''] ?? reasonOf(err)));
    };
    if (type === 'A') resolver.resolve4(name, (err) => done(err));
    else resolver.resolve6(name, (err) => done(err));
  });
}
