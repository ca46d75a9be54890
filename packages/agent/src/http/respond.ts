/** JSON replies of the HTTP API: the socket's response shape, and an HTTP status per stable error code. */
import type { ServerResponse } from 'node:http';
import type { WireError } from '../control/protocol.js';

/** HTTP status of each error code; anything else is 500. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = Object.freeze({
  E_BAD_REQUEST: 400,
  E_UNAUTHORIZED: 401,
  E_NOT_FOUND: 404,
  E_UNKNOWN_UPLINK: 404,
  E_METHOD_NOT_ALLOWED: 405,
  E_UPLINK_UNUSABLE: 409,
  E_NOT_MASTER: 409,
  E_TOO_LARGE: 413,
  E_BAD_HOST: 421,
  E_UNSUPPORTED_MEDIA_TYPE: 415,
  E_CONFIG: 422,
  E_RATE_LIMITED: 429,
  E_ACTIVATE_FAILED: 502,
  E_VERIFY_FAILED: 502,
  E_TIMEOUT: 504,
  E_STOPPED: 503,
  E_TOKEN_FILE: 503,
  E_TOO_MANY_STREAMS: 503,
});

const COMMON = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' } as const;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendOk(res: ServerResponse, result: unknown): void {
  sendJson(res, 200, { ok: true, result });
}

export function sendError(res: ServerResponse, error: WireError, headers: Record<string, string> = {}): void {
  sendJson(res, STATUS_OF_CODE[error.code] ?? 500, { ok: false, error }, headers);
}
