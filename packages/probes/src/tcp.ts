/**
 * TCP connect probe: success when the three-way handshake completes. The
 * socket binds to the uplink's address (`localAddress`); the adapter's
 * `from <address> lookup <table>` rule makes it leave through the uplink
 * (Node cannot set SO_BINDTODEVICE on its own sockets).
 */
import { connect } from 'node:net';
import type { ProbeResult } from '@wanwatch/core';
import type { Egress } from './egress.js';
import { failureOf, ok, settleOnce } from './outcome.js';

/** Connects to `egress.address:port` and closes at once. Never rejects. */
export function tcpConnect(
  egress: Egress,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return settleOnce(timeoutMs, signal, (settle) => {
    const start = performance.now();
    const socket = connect({
      host: egress.address,
      port,
      family: egress.family,
      ...(egress.source ? { localAddress: egress.source } : {}),
    });
    socket.once('connect', () => settle(ok(performance.now() - start)));
    socket.once('error', (err) => settle(failureOf(err)));
    return () => socket.destroy();
  });
}
