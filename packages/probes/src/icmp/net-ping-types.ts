/**
 * The subset of net-ping 1.2 (CommonJS, shipped without typings) and of the
 * raw-socket socket it owns that the ICMP prober uses, read from their
 * sources. Kept as plain types so that the package's public types do not
 * depend on an untyped module.
 */
import type { EventEmitter } from 'node:events';

/** raw-socket's socket, as net-ping's `getSocket()` returns it. */
export interface RawSocketLike {
  setOption(level: number, option: number, value: number | Buffer, length?: number): void;
}

/** net-ping's session options. */
export interface NetPingSessionOptions {
  networkProtocol?: number;
  packetSize?: number;
  retries?: number;
  sessionId?: number;
  timeout?: number;
  ttl?: number;
}

/** A net-ping session. */
export interface NetPingSession extends EventEmitter {
  /** Read by pingHost() for each new request; the prober sets it per probe. */
  timeout: number;
  getSocket(): RawSocketLike;
  pingHost(target: string, callback: (error: Error | null, target: string) => void): this;
  close(): this;
}

/** The net-ping module. */
export interface NetPingModule {
  createSession(options?: NetPingSessionOptions): NetPingSession;
  readonly NetworkProtocol: { readonly IPv4: number; readonly IPv6: number };
}
