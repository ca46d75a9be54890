/**
 * Agent in the internet namespace that answers IPv4 echo requests late, to
 * add latency and jitter without netem (not available on the lab's
 * kernels). While it runs, the namespace's kernel does not answer echo
 * requests itself (icmp_echo_ignore_all), so every request is answered
 * here: with the delay of the first matching rule, or at once.
 *
 * Replies are built with their IP header (IPPROTO_RAW implies IP_HDRINCL)
 * so that their source is the target that was asked, as a real host's
 * would be. IPv6 is not handled: raw-socket does not report a received
 * packet's IPv6 destination, so a reply could not name the right source.
 */
import { writeFileSync } from 'node:fs';
import raw from 'raw-socket';
import { serve } from './serve.js';

interface Rule {
  readonly delayMs: number;
  readonly jitterMs?: number;
  readonly target?: string;
  readonly uplink?: number;
}

const IGNORE = '/proc/sys/net/ipv4/icmp_echo_ignore_all';
const IPPROTO_RAW = 255;
let rules: Rule[] = [];

const recv = raw.createSocket({ protocol: raw.Protocol.ICMP, addressFamily: raw.AddressFamily.IPv4 });
const send = raw.createSocket({ protocol: IPPROTO_RAW, addressFamily: raw.AddressFamily.IPv4 });

function ipv4(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

function delayFor(src: string, dst: string): number {
  const rule = rules.find(
    (r) =>
      (r.target === undefined || r.target === dst) && (r.uplink === undefined || src.startsWith(`100.64.${r.uplink}.`)),
  );
  if (!rule) return 0;
  const jitter = rule.jitterMs ?? 0;
  return Math.max(0, rule.delayMs + (Math.random() * 2 - 1) * jitter);
}

/** An echo reply to `request` (a whole IPv4 packet carrying an ICMP echo request), or null. */
export function buildReply(request: Buffer): Buffer | null {
  if (request.length < 28 || (request[0]! & 0xf0) !== 0x40) return null;
  const ihl = (request[0]! & 0x0f) * 4;
  if (request.length < ihl + 8 || request[ihl] !== 8) return null;
  const icmp = Buffer.from(request.subarray(ihl));
  icmp[0] = 0; // echo reply
  icmp.writeUInt16BE(0, 2);
  raw.writeChecksum(icmp, 2, raw.createChecksum(icmp));
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header[8] = 64; // TTL
  header[9] = 1; // ICMP
  request.copy(header, 12, 16, 20); // source = the target that was asked
  request.copy(header, 16, 12, 16); // destination = the requester
  // Total length, identification and header checksum are filled in by the kernel.
  return Buffer.concat([header, icmp]);
}

recv.on('message', (buffer: Buffer) => {
  const reply = buildReply(buffer);
  if (!reply) return;
  const src = ipv4(buffer, 12);
  const dst = ipv4(buffer, 16);
  const answer = () => send.send(reply, 0, reply.length, src, () => undefined);
  const delay = delayFor(src, dst);
  if (delay <= 0) answer();
  else setTimeout(answer, delay);
});
recv.on('error', (err: Error) => console.error(`echo responder: ${err.message}`));
send.on('error', (err: Error) => console.error(`echo responder: ${err.message}`));

serve(
  {
    configure: (params) => {
      rules = (params as { rules: Rule[] }).rules;
      writeFileSync(IGNORE, rules.length > 0 ? '1' : '0');
      return null;
    },
  },
  () => {
    writeFileSync(IGNORE, '0');
    recv.close();
    send.close();
  },
);
