/**
 * The HTTP API, `/metrics` and the status page (off unless `control.http`
 * is set). It listens on 127.0.0.1 by default.
 *
 * - Changes (POST) always need `Authorization: Bearer <token>`; reads too
 *   when `readToken` is set. The status page and its assets never do (the
 *   page asks for the token and sends it with its own calls).
 * - Changes are rate limited (a token bucket of `changesPerMinute`): 429
 *   with `Retry-After`. Bodies over `maxBodyBytes` are refused with 413.
 * - Every error is `{"ok":false,"error":{"code","message"}}` with a stable
 *   code and its HTTP status (see respond.ts); never a stack trace.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ControlError, type WireError } from '../control/protocol.js';
import { toWireError, type ControlService } from '../control/service.js';
import type { EventHub } from '../events/hub.js';
import { readJsonBody } from './body.js';
import { RateLimit } from './rate-limit.js';
import { sendError, sendOk } from './respond.js';
import { readStatic } from './static-files.js';
import { route, type Route } from './routes.js';
import { hostAllowed, type HttpSettings } from './settings.js';
import { EventStreams } from './sse.js';
import { TokenFile } from './token.js';

/** `/metrics`' source (see metrics/metrics.ts). */
export interface MetricsSource {
  readonly contentType: string;
  text(): Promise<string>;
}

/** What the HTTP API serves. */
export interface HttpDeps {
  readonly service: ControlService;
  readonly hub: EventHub;
  readonly metrics?: MetricsSource | undefined;
  /** Directory of the status page's files (default: the package's `static/`). */
  readonly staticDir?: string | undefined;
  /** Where changes (an audit line each) and failed logins go. */
  readonly log?: { warn(message: string): void; notice?(message: string): void } | undefined;
}

/** A listening HTTP API. */
export interface HttpServer {
  /** The address it listens on (the port is the real one when 0 was asked for). */
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

class Api {
  private readonly token: TokenFile;
  private readonly changes: RateLimit;
  private readonly failedAuth = new RateLimit(30);
  readonly streams: EventStreams;

  constructor(
    private readonly settings: HttpSettings,
    private readonly deps: HttpDeps,
  ) {
    this.token = new TokenFile(settings.tokenFile);
    this.changes = new RateLimit(settings.changesPerMinute);
    this.streams = new EventStreams(deps.hub);
  }

  private authorize(req: IncomingMessage): void {
    if (this.token.accepts(req.headers.authorization)) return;
    // Slows guessing down (and keeps the log short); a correct token is never limited by this.
    const wait = this.failedAuth.take();
    if (wait > 0) throw Object.assign(new ControlError('E_RATE_LIMITED', 'too many failed logins'), { wait });
    this.deps.log?.warn(`HTTP ${req.method} ${req.url} from ${req.socket.remoteAddress}: refused, no valid token`);
    throw new ControlError('E_UNAUTHORIZED', 'a valid bearer token is required (Authorization: Bearer <token>)');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, this.settings.allowedHosts))
      throw new ControlError(
        'E_BAD_HOST',
        `Host ${req.headers.host} is not this agent's; add it to control.http.allowedHosts if it is`,
      );
    const url = new URL(req.url ?? '/', 'http://wanwatch');
    const r: Route = route(req.method ?? 'GET', url);
    if (r.kind === 'static') return this.sendStatic(res, r.file);
    if (r.kind === 'change' || this.settings.readToken) this.authorize(req);
    switch (r.kind) {
      case 'read':
        return this.run(res, r.command, r.args);
      case 'history': {
        const got = (await this.deps.service.execute('history', {
          ...(r.since === undefined ? {} : { since: r.since }),
        })) as { at: number }[];
        const older = r.before === undefined ? got : got.filter((e) => e.at < r.before!);
        // The cursor is a time: entries sharing the page's first millisecond all go on this page.
        let cut = Math.max(0, older.length - r.limit);
        while (cut > 0 && older[cut - 1]!.at === older[cut]!.at) cut--;
        const entries = older.slice(cut);
        const next = cut > 0 ? entries[0]!.at : null;
        return sendOk(res, { entries, next });
      }
      case 'samples':
        return sendOk(res, this.deps.hub.samples.range(r.rangeMs, Date.now()));
      case 'events':
        return this.streams.serve(req, res, url.searchParams);
      case 'metrics': {
        if (!this.deps.metrics) throw new ControlError('E_NOT_FOUND', 'metrics are off');
        const text = await this.deps.metrics.text();
        res.writeHead(200, { 'content-type': this.deps.metrics.contentType, 'cache-control': 'no-store' });
        return void res.end(text);
      }
      case 'change': {
        const wait = this.changes.take();
        if (wait > 0)
          throw Object.assign(
            new ControlError('E_RATE_LIMITED', `at most ${this.settings.changesPerMinute} changes per minute`),
            { wait },
          );
        const args = await readJsonBody(req, this.settings.maxBodyBytes);
        const response = await this.deps.service.handle({ command: r.command, args });
        const what = `HTTP ${r.command} ${JSON.stringify(args)} from ${req.socket.remoteAddress}`;
        this.deps.log?.notice?.(
          response.ok
            ? `${what}: ${JSON.stringify(response.result)}`
            : `${what}: refused, ${response.error.code} ${response.error.message}`,
        );
        if (response.ok) return sendOk(res, response.result);
        return sendError(res, response.error);
      }
    }
  }

  private async run(res: ServerResponse, command: string, args: Record<string, unknown>): Promise<void> {
    const response = await this.deps.service.handle({ command, args });
    if (response.ok) sendOk(res, response.result);
    else sendError(res, response.error);
  }

  private async sendStatic(res: ServerResponse, file: string): Promise<void> {
    const body = await readStatic(file, this.deps.staticDir);
    res.writeHead(200, {
      'content-type': TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      // Everything the page needs ships in the package: nothing from elsewhere, no inline script.
      'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    });
    res.end(body);
  }
}

function fail(res: ServerResponse, err: unknown): void {
  if (res.headersSent) return void res.destroy();
  const wire: WireError = toWireError(err);
  const headers: Record<string, string> = {};
  const extra = err as { allow?: string; wait?: number };
  if (wire.code === 'E_UNAUTHORIZED') headers['www-authenticate'] = 'Bearer realm="wanwatch"';
  if (extra.allow) headers.allow = extra.allow;
  if (extra.wait) headers['retry-after'] = String(Math.ceil(extra.wait / 1000));
  // A refused body may still be arriving: do not read it, close the connection after the answer.
  if (wire.code === 'E_TOO_LARGE' || wire.code === 'E_UNAUTHORIZED') headers.connection = 'close';
  sendError(res, wire, headers);
}

/**
 * Starts the HTTP API. Rejects with a ControlError (`E_HTTP`) when it cannot listen.
 *
 * @example
 * ```ts
 * const http = await listenHttp(config.http, { service, hub, metrics });
 * console.log(`status page on ${http.url}`);
 * await http.close();
 * ```
 */
export async function listenHttp(settings: HttpSettings, deps: HttpDeps): Promise<HttpServer> {
  const api = new Api(settings, deps);
  const server: Server = createServer((req, res) => {
    api.handle(req, res).catch((err: unknown) => {
      if (toWireError(err).code === 'E_INTERNAL') deps.log?.warn(`HTTP ${req.method} ${req.url}: ${String(err)}`);
      fail(res, err);
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.maxHeadersCount = 50;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new ControlError('E_HTTP', `cannot listen on ${settings.host}:${settings.port}: ${err.message}`)),
    );
    server.listen(settings.port, settings.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  const host = settings.host;
  return {
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        api.streams.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
