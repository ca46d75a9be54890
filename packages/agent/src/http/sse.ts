/**
 * The live event stream (Server-Sent Events): every {@link AgentEvent} as
 * `id: <seq>` / `event: <type>` / `data: <json>`, in order. A client that
 * reconnects with `Last-Event-ID` (or `?after=<seq>`) gets the events it
 * missed that are still in the hub's buffer first. A comment line every
 * 15 s keeps proxies from closing an idle stream; a client that stops
 * reading is dropped rather than buffered without end.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AGENT_EVENT_TYPES, type AgentEvent, type AgentEventType, type EventHub } from '../events/hub.js';
import { ControlError } from '../control/protocol.js';

/** Streams open at once, at most. */
export const MAX_STREAMS = 32;
const HEARTBEAT_MS = 15_000;
/** Bytes queued for a slow client before it is dropped. */
const MAX_BUFFERED = 1024 * 1024;

const frame = (e: AgentEvent) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

export class EventStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly hub: EventHub) {}

  /** Serves one stream until the client leaves. Throws a ControlError for bad parameters or too many streams. */
  serve(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (this.open.size >= MAX_STREAMS)
      throw new ControlError('E_TOO_MANY_STREAMS', `${MAX_STREAMS} event streams are open already`);
    const typesParam = query.get('types');
    let types: ReadonlySet<string> | null = null;
    if (typesParam !== null) {
      const list = typesParam.split(',').filter(Boolean);
      const unknown = list.filter((t) => !(AGENT_EVENT_TYPES as readonly string[]).includes(t));
      if (unknown.length > 0)
        throw new ControlError(
          'E_BAD_REQUEST',
          `unknown event type(s) ${unknown.join(', ')} (known: ${AGENT_EVENT_TYPES.join(', ')})`,
        );
      types = new Set<AgentEventType>(list as AgentEventType[]);
    }
    const resume = req.headers['last-event-id'] ?? query.get('after');
    const after = resume === undefined || resume === null ? null : Number(resume);
    if (after !== null && !Number.isInteger(after))
      throw new ControlError('E_BAD_REQUEST', 'Last-Event-ID / after must be an event sequence number');

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    res.write(': wanwatch events\n\n');
    this.open.add(res);
    const send = (e: AgentEvent) => {
      if (types && !types.has(e.type)) return;
      res.write(frame(e));
      if (res.writableLength > MAX_BUFFERED) res.destroy();
    };
    if (after !== null) for (const e of this.hub.since(after)) send(e);
    this.hub.on('event', send);
    const beat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    beat.unref();
    const done = () => {
      clearInterval(beat);
      this.hub.off('event', send);
      this.open.delete(res);
    };
    res.on('close', done);
  }

  /** Ends every stream (the agent stops). */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
