/**
 * The control socket: a Unix socket only root (the agent's user) can use.
 *
 * - Its directory must belong to root or the agent's user and must not be
 *   writable by group or others (otherwise someone else could swap the
 *   socket); a missing directory is created with mode 0700.
 * - The socket is created with mode 0600 (umask during bind, then chmod).
 * - A socket file that answers belongs to a live agent: refuse to start. One
 *   that refuses connections is stale (a crashed agent): remove it. Anything
 *   else at that path is left alone and refused.
 */
import { chmodSync, lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { ControlError, MAX_LINE_BYTES, type ControlRequest } from './protocol.js';
import type { ControlService } from './service.js';

function checkDirectory(dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = statSync(dir);
  }
  if (!st.isDirectory()) throw new ControlError('E_SOCKET', `${dir} is not a directory`);
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== uid)
    throw new ControlError('E_SOCKET', `${dir} belongs to uid ${st.uid}, not root or this agent's user`);
  if ((st.mode & 0o022) !== 0)
    throw new ControlError(
      'E_SOCKET',
      `${dir} is writable by group or others; put the control socket in a private directory`,
    );
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function clearStale(path: string): Promise<boolean> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return false;
  }
  if (!st.isSocket()) throw new ControlError('E_SOCKET', `${path} exists and is not a socket; refusing to replace it`);
  if (await answers(path))
    throw new ControlError('E_SOCKET', `another wanwatch agent is running (its control socket ${path} answers)`);
  unlinkSync(path);
  return true;
}

function serveConnection(socket: Socket, service: ControlService): void {
  let buffer = '';
  let queue = Promise.resolve();
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_LINE_BYTES && !buffer.includes('\n')) {
      socket.end(`${JSON.stringify({ ok: false, error: { code: 'E_BAD_REQUEST', message: 'request too long' } })}\n`);
      return;
    }
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line === '') continue;
      queue = queue.then(async () => {
        let request: ControlRequest;
        try {
          request = JSON.parse(line) as ControlRequest;
        } catch {
          request = { command: '\0' };
        }
        const response =
          request.command === '\0'
            ? { ok: false, error: { code: 'E_BAD_REQUEST', message: 'request is not JSON' } }
            : await service.handle(request);
        if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
      });
    }
  });
  socket.on('error', () => socket.destroy());
}

/** A listening control socket. */
export interface ControlServer {
  readonly path: string;
  /** Stops listening and removes the socket file. */
  close(): Promise<void>;
}

/**
 * Serves `service` on a Unix socket at `path` (see the module description).
 * Rejects with a `ControlError` (code `E_SOCKET`) when it must not.
 */
export async function listenControl(
  path: string,
  service: ControlService,
): Promise<ControlServer & { stale: boolean }> {
  checkDirectory(dirname(path));
  const stale = await clearStale(path);
  const server: Server = createServer((socket) => serveConnection(socket, service));
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw new ControlError('E_SOCKET', `cannot listen on ${path}: ${(err as Error).message}`);
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  return {
    path,
    stale,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Connections of clients that stay connected must not keep the agent alive.
        server.unref();
      }),
  };
}
