/** Traffic meter, receiving side (internet namespace): records every packet's sequence number and arrival time. */
import { createSocket } from 'node:dgram';
import { findGaps } from '../gaps.js';
import { serve } from './serve.js';

const [address = '', portText = ''] = process.argv.slice(2);
const MAX_PACKETS = 2_000_000; // an hour at 2 ms: a bound, not a limit anyone reaches
const seqs: number[] = [];
const arrivals: number[] = [];
const sock = createSocket(address.includes(':') ? 'udp6' : 'udp4');

sock.on('message', (msg) => {
  if (msg.length < 16 || seqs.length >= MAX_PACKETS) return;
  arrivals.push(Number(process.hrtime.bigint()) / 1e6);
  seqs.push(msg.readUInt32BE(0));
});

sock.bind(Number(portText), address, () => {
  serve(
    {
      count: () => seqs.length,
      report: (params) => {
        const p = params as { sent: number; firstSendMs: number; lastSendMs: number; minGapMs: number };
        return findGaps({ seqs, arrivals, ...p });
      },
    },
    () => {
      sock.close();
    },
  );
});
