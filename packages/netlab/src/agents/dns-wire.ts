/**
 * Just enough of the DNS wire format (RFC 1035 §4) for the lab's server:
 * one question in, one A or AAAA answer (or an error code) out.
 */
import { isIPv4 } from 'node:net';

export interface Question {
  readonly id: number;
  readonly flags: number;
  readonly name: string;
  readonly type: number;
  /** Byte offset just past the question, where an answer goes. */
  readonly end: number;
}

export const TYPE_A = 1;
export const TYPE_AAAA = 28;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;

/** Parses a query with one question; null when it is not one. */
export function parseQuery(msg: Buffer): Question | null {
  if (msg.length < 17 || msg.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let at = 12;
  for (let k = 0; k < 128; k++) {
    const len = msg[at];
    if (len === undefined || len > 63) return null;
    at += 1;
    if (len === 0) break;
    labels.push(msg.toString('ascii', at, at + len));
    at += len;
  }
  if (at + 4 > msg.length) return null;
  return {
    id: msg.readUInt16BE(0),
    flags: msg.readUInt16BE(2),
    name: labels.join('.'),
    type: msg.readUInt16BE(at),
    end: at + 4,
  };
}

function addressBytes(address: string): Buffer {
  if (isIPv4(address)) return Buffer.from(address.split('.').map(Number));
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, k) => out.writeUInt16BE(parseInt(g, 16), 2 * k));
  return out;
}

/** The response to `q` (sent as `query`): an answer with `address`, or just `rcode`. */
export function buildResponse(query: Buffer, q: Question, rcode: number, address: string | null): Buffer {
  const head = Buffer.from(query.subarray(0, q.end));
  head.writeUInt16BE(0x8080 | (q.flags & 0x0100) | rcode, 2); // QR, RA, RD as asked
  head.writeUInt16BE(address ? 1 : 0, 6);
  head.writeUInt16BE(0, 8);
  head.writeUInt16BE(0, 10);
  if (!address) return head;
  const rdata = addressBytes(address);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0); // the name of the question
  rr.writeUInt16BE(q.type, 2);
  rr.writeUInt16BE(1, 4); // IN
  rr.writeUInt32BE(60, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rr, rdata]);
}
