/** The CLI's side of the control socket: one request, one response. */
import { connect } from 'node:net';
import { ControlError, type CommandName, type ControlResponse } from './protocol.js';

/** How long a command may take (a failover waits for the switch: activation and verification). */
export const CLIENT_TIMEOUT_MS = 120_000;

/**
 * Sends one command to the agent at `socketPath` and resolves with its
 * result. Rejects with a {@link ControlError}: `E_NO_AGENT` when no agent
 * listens there, `E_PERMISSION` when the socket is not ours to use, or the
 * agent's own error code.
 */
export function request(
  socketPath: string,
  command: CommandName,
  args: Record<string, unknown> = {},
  timeoutMs = CLIENT_TIMEOUT_MS,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ControlError('E_TIMEOUT', `no answer from the agent within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify({ id: 1, command, args })}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      let response: ControlResponse;
      try {
        response = JSON.parse(buffer.slice(0, nl)) as ControlResponse;
      } catch {
        return done(() => reject(new ControlError('E_PROTOCOL', 'the agent sent an unreadable answer')));
      }
      done(() =>
        response.ok
          ? resolve(response.result)
          : reject(new ControlError(response.error.code, response.error.message, response.error.issues)),
      );
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const why =
        err.code === 'ENOENT' || err.code === 'ECONNREFUSED'
          ? new ControlError('E_NO_AGENT', `no wanwatch agent is running (nothing answers on ${socketPath})`)
          : err.code === 'EACCES'
            ? new ControlError('E_PERMISSION', `permission denied on ${socketPath} (the control socket is root-only)`)
            : new ControlError('E_NO_AGENT', `cannot reach the agent on ${socketPath}: ${err.message}`);
      done(() => reject(why));
    });
    socket.on('end', () =>
      done(() => reject(new ControlError('E_PROTOCOL', 'the agent closed the connection without answering'))),
    );
  });
}
