/**
 * The control protocol: newline-delimited JSON over a stream (the Unix
 * socket; the HTTP API carries the same commands and results, see
 * `http/routes.ts`). A connection may carry several requests; responses come in
 * order, each with the request's `id` when it had one.
 *
 * ```
 * → {"id":1,"command":"failover","args":{"to":"lte"}}
 * ← {"id":1,"ok":true,"result":{"switched":true,"from":"fiber","to":"lte","durationMs":12}}
 * → {"id":2,"command":"hold","args":{"uplink":"nope"}}
 * ← {"id":2,"ok":false,"error":{"code":"E_UNKNOWN_UPLINK","message":"no uplink named \"nope\" (known: fiber, lte)"}}
 * ```
 */

/** Every command, with its arguments. */
export interface CommandArgs {
  status: Record<string, never>;
  uplink: { uplink: string };
  failover: { to: string };
  failback: Record<string, never>;
  hold: { uplink: string };
  release: { uplink?: string };
  forbid: { uplink: string };
  history: { since?: number; limit?: number };
  reload: Record<string, never>;
}

export type CommandName = keyof CommandArgs;
export const COMMANDS: readonly CommandName[] = [
  'status',
  'uplink',
  'failover',
  'failback',
  'hold',
  'release',
  'forbid',
  'history',
  'reload',
];

/** One request. */
export interface ControlRequest {
  readonly id?: number | string | undefined;
  readonly command: string;
  readonly args?: Readonly<Record<string, unknown>> | undefined;
}

/** An error as it crosses the wire. `issues`: the config problems of a refused reload, one line each. */
export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly string[] | undefined;
}

/** One response. */
export type ControlResponse =
  | { readonly id?: number | string | undefined; readonly ok: true; readonly result: unknown }
  | { readonly id?: number | string | undefined; readonly ok: false; readonly error: WireError };

/** Longest request line accepted. */
export const MAX_LINE_BYTES = 64 * 1024;

/** An error the control layer raises (bad request, daemon unreachable). */
export class ControlError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly issues?: readonly string[],
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
