/**
 * The agent side of {@link Agent}: answers numbered calls over the IPC
 * channel and exits when the channel closes (the test process ended or
 * stopped the agent), so no agent outlives its lab.
 */
export type Handler = (params: unknown) => unknown;

/** Serves `handlers` until the parent disconnects, then runs `onExit` and exits. */
export function serve(handlers: Record<string, Handler>, onExit: () => void | Promise<void> = () => undefined): void {
  if (!process.send) {
    console.error('netlab agent: no IPC channel (start it through Agent.start)');
    process.exit(2);
  }
  const send = (msg: unknown) => {
    if (process.connected) process.send?.(msg);
  };
  process.on('message', (raw: unknown) => {
    const msg = raw as { type?: string; id?: number; method?: string; params?: unknown };
    if (msg.type !== 'call' || typeof msg.id !== 'number' || typeof msg.method !== 'string') return;
    const id = msg.id;
    const handler = handlers[msg.method];
    if (!handler) {
      send({ type: 'result', id, ok: false, error: `unknown method ${msg.method}` });
      return;
    }
    void Promise.resolve()
      .then(() => handler(msg.params))
      .then(
        (value) => send({ type: 'result', id, ok: true, value: value ?? null }),
        (err: unknown) =>
          send({ type: 'result', id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  process.on('disconnect', () => {
    void Promise.resolve()
      .then(onExit)
      .finally(() => process.exit(0));
  });
  send({ type: 'ready' });
}

/** Sends an event to the parent. */
export function emit(event: unknown): void {
  if (process.connected) process.send?.({ type: 'event', event });
}
