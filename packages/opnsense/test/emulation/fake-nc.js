#!/usr/bin/env node
// A stand-in for FreeBSD's `nc -N -U <socket>` (Debian's netcat may be
// missing): sends stdin to a Unix socket, exits 1 when nobody listens.
import { connect } from 'node:net';
import { Buffer } from 'node:buffer';
import process from 'node:process';

const args = process.argv.slice(2);
const at = args.indexOf('-U');
if (at < 0 || !args.includes('-N') || args.length !== 3) {
  process.stderr.write('usage: nc -N -U socket\n');
  process.exit(2);
}
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const conn = connect(args[at + 1]);
  conn.on('error', (e) => {
    process.stderr.write(`nc: ${e.message}\n`);
    process.exit(1);
  });
  conn.on('connect', () => conn.end(Buffer.concat(chunks)));
  conn.on('close', () => process.exit(0));
});
