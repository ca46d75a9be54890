/**
 * The versioned endpoints of the HTTP API, each one a command of the
 * control service (the same code the Unix socket runs).
 *
 * | method and path | command | body / query |
 * |---|---|---|
 * | `GET /api/v1/status` | status | |
 * | `GET /api/v1/uplinks/{name}` | uplink | |
 * | `GET /api/v1/history` | history | `since` (ms or ISO date), `before` (ms), `limit` (1…1000, default 100) |
 * | `GET /api/v1/samples` | (the charts' RTT, loss and state points) | `range` (a duration up to 24h, default 1h) |
 * | `GET /api/v1/events` | (Server-Sent Events) | `types`, `after` |
 * | `POST /api/v1/failover` | failover | `{"to": "lte"}` |
 * | `POST /api/v1/failback` | failback | |
 * | `POST /api/v1/hold` | hold | `{"uplink": "lte"}` |
 * | `POST /api/v1/release` | release | `{"uplink": "lte"}` or nothing (all) |
 * | `POST /api/v1/forbid` | forbid | `{"uplink": "lte"}` |
 * | `POST /api/v1/reload` | reload | |
 */
import { parseDuration } from '../config/units.js';
import { ControlError, type CommandName } from '../control/protocol.js';
import { MAX_RANGE_MS } from '../events/samples.js';

/** A read endpoint: a command and its arguments from the path and query. */
export interface ReadRoute {
  readonly kind: 'read';
  readonly command: CommandName;
  readonly args: Record<string, unknown>;
}

/** Where a request goes. */
export type Route =
  | ReadRoute
  | { readonly kind: 'change'; readonly command: CommandName }
  | { readonly kind: 'history'; readonly since?: number; readonly before?: number; readonly limit: number }
  | { readonly kind: 'events' }
  | { readonly kind: 'samples'; readonly rangeMs: number }
  | { readonly kind: 'metrics' }
  | { readonly kind: 'static'; readonly file: string };

export const API = '/api/v1';
const CHANGES: readonly CommandName[] = ['failover', 'failback', 'hold', 'release', 'forbid', 'reload'];
export const MAX_HISTORY_PAGE = 1000;
const DEFAULT_HISTORY_PAGE = 100;

/** Static files of the status page by path. */
export const STATIC_FILES: Readonly<Record<string, string>> = Object.freeze({
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/style.css': 'style.css',
  '/favicon.svg': 'favicon.svg',
  // uPlot, copied from its npm package at build time (scripts/vendor-static.js).
  '/vendor/uPlot.iife.min.js': 'vendor/uPlot.iife.min.js',
  '/vendor/uPlot.min.css': 'vendor/uPlot.min.css',
});

function time(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(n)) throw new ControlError('E_BAD_REQUEST', `${name} must be ms since the epoch or an ISO date`);
  return n;
}

function historyRoute(q: URLSearchParams): Route {
  const limitText = q.get('limit');
  const limit = limitText === null ? DEFAULT_HISTORY_PAGE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE)
    throw new ControlError('E_BAD_REQUEST', `limit must be a whole number from 1 to ${MAX_HISTORY_PAGE}`);
  const since = time(q.get('since'), 'since');
  const before = time(q.get('before'), 'before');
  return {
    kind: 'history',
    limit,
    ...(since === undefined ? {} : { since }),
    ...(before === undefined ? {} : { before }),
  };
}

/** `range=1h`: the span of `/api/v1/samples`, up to a day. */
function samplesRoute(q: URLSearchParams): Route {
  const text = q.get('range') ?? '1h';
  const rangeMs = parseDuration(text);
  if (rangeMs === null || rangeMs < 60_000 || rangeMs > MAX_RANGE_MS)
    throw new ControlError(
      'E_BAD_REQUEST',
      `range must be a duration from 1m to 24h (1h, 24h), got ${JSON.stringify(text)}`,
    );
  return { kind: 'samples', rangeMs };
}

/** The route of `method path`; throws E_NOT_FOUND / E_METHOD_NOT_ALLOWED / E_BAD_REQUEST. */
export function route(method: string, url: URL): Route {
  const path = url.pathname;
  const expect = <R extends Route>(m: 'GET' | 'POST', r: () => R): R => {
    if (method === m || (m === 'GET' && method === 'HEAD')) return r();
    throw Object.assign(new ControlError('E_METHOD_NOT_ALLOWED', `${path} takes ${m}`), { allow: m });
  };
  const file = STATIC_FILES[path];
  if (file !== undefined) return expect('GET', () => ({ kind: 'static', file }));
  if (path === '/metrics') return expect('GET', () => ({ kind: 'metrics' }));
  if (!path.startsWith(`${API}/`)) throw new ControlError('E_NOT_FOUND', `no endpoint ${path}`);
  const rest = path.slice(API.length + 1);
  if (rest === 'status') return expect('GET', () => ({ kind: 'read', command: 'status', args: {} }));
  if (rest === 'history') return expect('GET', () => historyRoute(url.searchParams));
  if (rest === 'events') return expect('GET', () => ({ kind: 'events' }));
  if (rest === 'samples') return expect('GET', () => samplesRoute(url.searchParams));
  const uplink = /^uplinks\/([^/]+)$/.exec(rest);
  if (uplink)
    return expect('GET', () => ({ kind: 'read', command: 'uplink', args: { uplink: decodeURIComponent(uplink[1]!) } }));
  const change = CHANGES.find((c) => c === rest);
  if (change) return expect('POST', () => ({ kind: 'change', command: change }));
  throw new ControlError('E_NOT_FOUND', `no endpoint ${path}`);
}
