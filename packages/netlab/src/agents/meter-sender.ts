/**
 * Traffic meter, sending side (LAN namespace): a numbered UDP packet every
 * interval. Each packet carries its sequence number and send time on the
 * machine's monotonic clock, which all namespaces share.
 */
import { createSocket } from 'node:dgram';
import { serve } from './serve.js';

const [address = '', portText = '', intervalText = ''] = process.argv.slice(2);
const port = Number(portText);
const intervalMs = Number(intervalText);
const sock = createSocket(address.includes(':') ? 'udp6' : 'udp4');
sock.on('error', () => undefined); // ENETUNREACH while the path is down is what is being measured

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
let seq = 0;
let firstSendMs = 0;
let lastSendMs = 0;
let timer: NodeJS.Timeout | null = null;
let next = 0;

function tick(): void {
  const now = nowMs();
  // Catch up without bursting: at most one packet per tick, schedule against the ideal time.
  const packet = Buffer.alloc(16);
  packet.writeUInt32BE(seq, 0);
  packet.writeDoubleBE(now, 8);
  sock.send(packet, port, address, () => undefined);
  if (seq === 0) firstSendMs = now;
  lastSendMs = now;
  seq++;
  next += intervalMs;
  timer = setTimeout(tick, Math.max(0, next - nowMs()));
}

serve(
  {
    start: () => {
      next = nowMs();
      tick();
      return null;
    },
    stop: () => {
      if (timer) clearTimeout(timer);
      timer = null;
      return { sent: seq, firstSendMs, lastSendMs };
    },
  },
  () => {
    sock.close();
  },
);
