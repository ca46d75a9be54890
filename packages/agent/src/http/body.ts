/** Reading a JSON request body within a size limit. */
import type { IncomingMessage } from 'node:http';
import { ControlError } from '../control/protocol.js';

/** The body as a JSON object ({} when empty). Rejects with E_TOO_LARGE, E_UNSUPPORTED_MEDIA_TYPE or E_BAD_REQUEST. */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes)
    return Promise.reject(new ControlError('E_TOO_LARGE', `request body over ${maxBytes} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        reject(new ControlError('E_TOO_LARGE', `request body over ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      if (!failed) reject(new ControlError('E_BAD_REQUEST', `reading the request failed: ${err.message}`));
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      const type = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(type))
        return reject(new ControlError('E_UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json'));
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return reject(new ControlError('E_BAD_REQUEST', 'the request body is not valid JSON'));
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        return reject(new ControlError('E_BAD_REQUEST', 'the request body must be a JSON object'));
      resolve(parsed as Record<string, unknown>);
    });
  });
}
