/**
 * HTTP(S) probe: a GET whose status must be in the expected range (2xx–3xx
 * by default) and whose body, when asked, must contain a substring. The RTT
 * is the time to the response headers (to the end of the body when a match
 * is asked). Like the TCP probe, it binds to the uplink's address.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ProbeResult } from '@wanwatch/core';
import type { Egress } from './egress.js';
import { fail, failureOf, ok, settleOnce } from './outcome.js';

type LookupCallback = (
  err: Error | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/** HTTP(S) probe settings. */
export interface HttpOptions {
  /** Extra CA certificates (PEM) to trust for HTTPS targets. */
  readonly ca?: string | Buffer | undefined;
  /** Verify HTTPS certificates. Default true. */
  readonly rejectUnauthorized?: boolean | undefined;
  /** Sent as User-Agent. Default `wanwatch-probe`. */
  readonly userAgent?: string | undefined;
  /** At most this much of a body is read for a match. Default 64 KiB. */
  readonly maxBodyBytes?: number | undefined;
}

/** What to fetch and expect. */
export interface HttpCheck {
  readonly url: URL;
  readonly status: readonly [number, number];
  readonly match: string | undefined;
}

/** One GET. Never rejects. */
export function httpGet(
  egress: Egress,
  check: HttpCheck,
  timeoutMs: number,
  options: HttpOptions,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return settleOnce(timeoutMs, signal, (settle) => {
    const start = performance.now();
    const tls = check.url.protocol === 'https:';
    const controller = new AbortController();

    const url = new URL(check.url);
    // The URL names the target; the connection goes to the egress address (the gateway for `gateway`).
    const req = (tls ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      family: egress.family,
      ...(egress.source ? { localAddress: egress.source } : {}),
      agent: false,
      signal: controller.signal,
      // A host name in the URL was resolved already (to egress.address); keep Host and SNI, skip a second lookup.
      lookup: (_host: string, opts: { all?: boolean }, cb: LookupCallback) => {
        if (opts.all) cb(null, [{ address: egress.address, family: egress.family }]);
        else cb(null, egress.address, egress.family);
      },
      headers: { 'user-agent': options.userAgent ?? 'wanwatch-probe', connection: 'close', accept: '*/*' },
      ...(tls ? { ca: options.ca, rejectUnauthorized: options.rejectUnauthorized ?? true } : {}),
    });
    req.once('error', (err) => settle(failureOf(err)));
    req.once('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status < check.status[0] || status > check.status[1]) {
        res.resume();
        settle(fail('refused', `http ${status}`));
        return;
      }
      if (check.match === undefined) {
        res.resume();
        settle(ok(performance.now() - start));
        return;
      }
      readBody(res, options.maxBodyBytes ?? 65536, check.match, (found) =>
        settle(
          found
            ? ok(performance.now() - start)
            : fail('refused', `http body mismatch: no ${JSON.stringify(check.match)}`),
        ),
      );
    });
    req.end();
    return () => controller.abort();
  });
}

function readBody(res: IncomingMessage, limit: number, match: string, done: (found: boolean) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    body += chunk;
    if (body.includes(match)) {
      done(true);
      res.destroy();
    } else if (body.length > limit) {
      done(false);
      res.destroy();
    }
  });
  res.once('end', () => done(body.includes(match)));
  res.once('error', () => done(false));
}
