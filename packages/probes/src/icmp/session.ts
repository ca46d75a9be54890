/**
 * One net-ping session: one raw ICMP socket of one family, bound to one
 * device (SO_BINDTODEVICE) or to none (`path: 'default'`). A session that
 * saw a socket error, or whose device was re-created under a new ifindex,
 * is dead; the prober then builds a new one (dpinger's "stuck after a PPPoE
 * reconnect" does not happen here).
 */
import type { ProbeResult } from '@wanwatch/core';
import { meansStaleSocket } from '../errno.js';
import { fail, failureOf, ok } from '../outcome.js';
import type { NetPingModule, NetPingSession } from './net-ping-types.js';

export type NetPing = NetPingModule;
type Session = NetPingSession;

// Linux socket constants (raw-socket passes level and option through as numbers).
const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;
const SO_RCVBUFFORCE = 33;
const SO_RCVBUF = 8;
const IPPROTO_IPV6 = 41;
const IPV6_UNICAST_HOPS = 16;
/** Room for a burst of replies to a round of a thousand targets. */
const RECEIVE_BUFFER = 4 << 20;

/** ICMP packet shape. */
export interface EchoShape {
  /** Bytes after the 8-byte ICMP header (at least 4; never 0, some ISPs drop empty echoes). */
  readonly payloadBytes: number;
  /** IPv4 TTL / IPv6 hop limit. */
  readonly ttl: number;
}

const usedIds = new Set<number>();
let nextSeed = 0;

/** A 16-bit ICMP identifier no other live session of this process uses (net-ping's default, the pid, is shared). */
function allocateId(): number {
  for (let k = 0; k < 65535; k++) {
    const id = ((process.pid + 7919 * nextSeed++) % 65534) + 1;
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
  throw new Error('no free ICMP identifier');
}

export class IcmpSession {
  private dead = false;
  private readonly session: Session;
  private readonly id: number;

  /** Throws when the socket cannot be made (EPERM without CAP_NET_RAW, ENODEV for a missing device). */
  constructor(
    netping: NetPing,
    readonly family: 4 | 6,
    readonly device: string | null,
    readonly ifindex: number,
    shape: EchoShape,
  ) {
    this.id = allocateId();
    try {
      this.session = netping.createSession({
        networkProtocol: family === 6 ? netping.NetworkProtocol.IPv6 : netping.NetworkProtocol.IPv4,
        packetSize: 8 + shape.payloadBytes,
        retries: 0,
        sessionId: this.id,
        ttl: shape.ttl,
      });
    } catch (err) {
      usedIds.delete(this.id);
      throw err;
    }
    // net-ping re-emits socket errors; without a listener an EventEmitter would throw them.
    this.session.on('error', () => this.kill());
    this.session.on('close', () => this.kill());
    try {
      const socket = this.session.getSocket();
      if (device) socket.setOption(SOL_SOCKET, SO_BINDTODEVICE, Buffer.from(device, 'latin1'), device.length);
      // net-ping sets IPv4's TTL option on IPv6 sockets too; the hop limit needs its own option.
      if (family === 6) socket.setOption(IPPROTO_IPV6, IPV6_UNICAST_HOPS, shape.ttl);
      try {
        socket.setOption(SOL_SOCKET, SO_RCVBUFFORCE, RECEIVE_BUFFER);
      } catch {
        socket.setOption(SOL_SOCKET, SO_RCVBUF, RECEIVE_BUFFER);
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** False once the socket failed or closed. */
  get alive(): boolean {
    return !this.dead;
  }

  private kill(): void {
    this.dead = true;
  }

  /** Sends one echo request to `address` and waits up to `timeoutMs` for its reply. Never rejects. */
  ping(address: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
    return new Promise<ProbeResult>((resolve) => {
      let settled = false;
      const settle = (result: ProbeResult) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = () => settle(fail('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const start = performance.now();
      // pingHost() copies the session's timeout into the request it makes.
      this.session.timeout = Math.max(1, Math.round(timeoutMs));
      try {
        this.session.pingHost(address, (err) => {
          const rtt = performance.now() - start;
          settle(err ? this.failure(err) : ok(rtt));
        });
      } catch (err) {
        settle(this.failure(err));
      }
    });
  }

  private failure(err: unknown): ProbeResult {
    const name = err instanceof Error ? err.name : '';
    if (name === 'RequestTimedOutError') return fail('timeout');
    const source = (err as { source?: string }).source;
    if (name === 'DestinationUnreachableError')
      return fail('unreachable', `EHOSTUNREACH: destination unreachable (from ${source})`);
    if (name === 'TimeExceededError') return fail('unreachable', `ttl exceeded (from ${source})`);
    if (name === 'PacketTooBigError') return fail('error', `packet too big (from ${source})`);
    const message = err instanceof Error ? err.message : '';
    if (/^Socket (forcibly )?closed$/.test(message)) {
      this.kill();
      return fail('error', 'socket closed');
    }
    if (meansStaleSocket(err)) this.kill();
    return failureOf(err);
  }

  /** Closes the socket; requests in flight resolve as failures. */
  close(): void {
    if (!this.dead || usedIds.has(this.id)) {
      this.dead = true;
      usedIds.delete(this.id);
      try {
        this.session.close();
      } catch {
        // already closed
      }
    }
  }
}
