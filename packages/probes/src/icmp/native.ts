/**
 * The native ICMP prober: net-ping sessions kept per (device, family), so a
 * probe costs one sendto() and one timer, not a process. Targets of a round
 * are sent in parallel by the caller (core's round sends every target at
 * once); each request has its own timeout.
 */
import type { ProbeResult } from '@wanwatch/core';
import type { Egress } from '../egress.js';
import { failureOf } from '../outcome.js';
import { IcmpSession, type EchoShape, type NetPing } from './session.js';

export class NativeIcmp {
  private readonly sessions = new Map<string, IcmpSession>();

  constructor(
    private readonly netping: NetPing,
    private readonly shape: EchoShape,
  ) {}

  /** The live session for `egress`, rebuilt when it died or its device was re-created. Throws when none can be made. */
  private session(egress: Egress): IcmpSession {
    const key = `${egress.device ?? '*'}/${egress.family}`;
    const current = this.sessions.get(key);
    if (current && current.alive && current.ifindex === egress.ifindex) return current;
    current?.close();
    this.sessions.delete(key);
    const fresh = new IcmpSession(this.netping, egress.family, egress.device, egress.ifindex, this.shape);
    this.sessions.set(key, fresh);
    return fresh;
  }

  /** Makes one socket of `family`, to find out whether raw sockets can be had here (EPERM otherwise). */
  selfTest(family: 4 | 6): void {
    new IcmpSession(this.netping, family, null, 0, this.shape).close();
  }

  /** One echo request. Never rejects. */
  async ping(egress: Egress, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
    let session: IcmpSession;
    try {
      session = this.session(egress);
    } catch (err) {
      return failureOf(err);
    }
    return session.ping(egress.address, timeoutMs, signal);
  }

  /** Number of open sessions (for tests and status). */
  get sessionCount(): number {
    return [...this.sessions.values()].filter((s) => s.alive).length;
  }

  /** Closes every session. */
  close(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }
}
