/**
 * ICMP on FreeBSD (OPNsense): the system's `/sbin/ping` (FreeBSD 14's unified
 * ping, IPv4 and `-6`), one process per probe, bound to the uplink's
 * **source address** with `-S`, the way OPNsense's dpinger binds with
 * `-B <srcip>`. FreeBSD has no SO_BINDTODEVICE, and net-ping/raw-socket
 * cannot bind a raw socket to an address (raw-socket has no bind(); net-ping
 * only sends through it), so the native backend is Linux-only.
 *
 * The source address alone does not pick the interface on FreeBSD: the packet
 * follows the routing table. OPNsense makes firewall-sourced traffic leave
 * through the interface that owns the source address with pf `route-to`
 * rules ("let out anything from firewall host itself", force gateway), and
 * dpinger adds a host route per monitor; see the package README.
 *
 * Flags, from FreeBSD 14's ping(8): `-c count`, `-W waittime` (milliseconds
 * to wait for a reply), `-s packetsize` (data bytes), `-m ttl` (IPv4 TTL;
 * IPv6 hop limit), `-S src_addr`, `-n` numeric, `-q` quiet, `-4`/`-6`.
 * Exit status 0 = a reply, 2 = sent but no reply, other = an error.
 */
import type { ProbeResult } from '@wanwatch/core';
import type { Egress } from '../egress.js';
import { errnoInText } from '../errno.js';
import { fail, failErrno, ok } from '../outcome.js';
import type { EchoShape } from './session.js';
import { runPing } from './system-ping.js';

/** The default `ping` path on FreeBSD. */
export const FREEBSD_PING = '/sbin/ping';

/**
 * The arguments of one FreeBSD `ping` run: one echo request, waiting
 * `timeoutMs` for its reply, from the egress's source address when bound.
 *
 * @example
 * ```ts
 * freebsdPingArgs({ address: '192.0.2.1', family: 4, device: 'igb1', ifindex: 0, source: '198.51.100.2' }, 800, { payloadBytes: 56, ttl: 64 });
 * // ['-4', '-n', '-q', '-c', '1', '-W', '800', '-s', '56', '-m', '64', '-S', '198.51.100.2', '192.0.2.1']
 * ```
 */
export function freebsdPingArgs(egress: Egress, timeoutMs: number, shape: EchoShape): string[] {
  return [
    egress.family === 6 ? '-6' : '-4',
    '-n',
    '-q',
    '-c',
    '1',
    '-W',
    String(Math.max(1, Math.round(timeoutMs))),
    '-s',
    String(shape.payloadBytes),
    '-m',
    String(shape.ttl),
    ...(egress.source === undefined ? [] : ['-S', egress.source]),
    egress.address,
  ];
}

/**
 * Reads one FreeBSD `ping -q -c 1` run: the RTT from its summary line
 * (`round-trip min/avg/max/stddev = …` for IPv4, `…/std-dev = …` for IPv6),
 * or why it failed (`timeout` for exit 2 without an error).
 */
export function readFreebsdPing(
  exitCode: number | undefined,
  stdout: string,
  stderr: string,
  elapsedMs: number,
): ProbeResult {
  if (exitCode === 0) {
    const m = /round-trip min\/avg\/max\/std-?dev = ([\d.]+)\//.exec(stdout);
    return ok(m ? Number(m[1]) : elapsedMs);
  }
  // FreeBSD's strerror() wording ("Can't assign requested address", "Device not configured") is in errno.ts.
  const errno = errnoInText(stderr);
  if (errno) return failErrno(errno);
  // ICMP errors caused by our request are printed even with -q (only -Q hides them).
  if (/Unreachable/i.test(stdout)) return fail('unreachable', 'EHOSTUNREACH: destination unreachable');
  if (/Time to live exceeded/i.test(stdout)) return fail('unreachable', 'ttl exceeded');
  if (exitCode === 2) return fail('timeout');
  const line = stderr
    .trim()
    .split('\n')[0]
    ?.replace(/^ping: /, '');
  return fail('error', `ping: ${line || `exit ${String(exitCode)}`}`);
}

/** One echo request through FreeBSD's `ping` (`command`, default {@link FREEBSD_PING}). Never rejects. */
export function freebsdPing(
  egress: Egress,
  timeoutMs: number,
  shape: EchoShape,
  command: string = FREEBSD_PING,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return runPing(command, freebsdPingArgs(egress, timeoutMs, shape), timeoutMs, readFreebsdPing, signal);
}
