/**
 * The internet's services, run as an agent in the internet namespace:
 * - HTTP on port 80 and HTTPS on 443 (fixtures/lab-tls.crt) of the service
 *   addresses: `/` answers 200 "wanwatch lab ok", `/status/<code>` answers
 *   that status;
 * - a TCP listener on port 7 of every address (targets answer a connect);
 * - DNS on port 53 of the DNS addresses: A / AAAA for any name, NXDOMAIN for
 *   names under `nx.`, SERVFAIL for names under `servfail.`.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { createServer as createTcp } from 'node:net';
import { SERVICES } from '../addresses.js';
import { buildResponse, parseQuery, RCODE_NXDOMAIN, RCODE_SERVFAIL, TYPE_A, TYPE_AAAA } from './dns-wire.js';
import { serve } from './serve.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));

function web(req: IncomingMessage, res: ServerResponse): void {
  const m = /^\/status\/(\d{3})$/.exec(req.url ?? '');
  const status = m ? Number(m[1]) : req.url === '/' ? 200 : 404;
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
  res.end(status === 200 ? 'wanwatch lab ok\n' : `status ${status}\n`);
}

function listen(server: Server | ReturnType<typeof createTcp>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ipv6Only: false }, () => resolve());
  });
}

function dnsServer(address: string): Promise<Socket> {
  const sock = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  sock.on('message', (msg, rinfo) => {
    const q = parseQuery(msg);
    if (!q) return;
    let reply: Buffer;
    if (q.name.startsWith('nx.')) reply = buildResponse(msg, q, RCODE_NXDOMAIN, null);
    else if (q.name.startsWith('servfail.')) reply = buildResponse(msg, q, RCODE_SERVFAIL, null);
    else if (q.type === TYPE_A) reply = buildResponse(msg, q, 0, SERVICES.answer4);
    else if (q.type === TYPE_AAAA) reply = buildResponse(msg, q, 0, SERVICES.answer6);
    else reply = buildResponse(msg, q, 0, null);
    sock.send(reply, rinfo.port, rinfo.address);
  });
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(SERVICES.dnsPort, address, () => resolve(sock));
  });
}

async function main(): Promise<void> {
  const tls = { cert: fixture('lab-tls.crt'), key: fixture('lab-tls.key') };
  const closers: (() => void)[] = [];
  const hasV6 = process.argv.includes('--ipv6');
  for (const host of hasV6 ? [SERVICES.v4, SERVICES.v6] : [SERVICES.v4]) {
    const http = createHttp(web);
    const https = createHttps(tls, web);
    await listen(http, SERVICES.httpPort, host);
    await listen(https, 443, host);
    closers.push(
      () => http.close(),
      () => https.close(),
    );
  }
  // Port 7 of every address: '::' with ipv6Only false takes IPv4 too, and the
  // internet's "local" routes deliver every target address here.
  const tcp = createTcp((sock) => {
    sock.on('error', () => undefined);
    sock.end();
  });
  await listen(tcp, SERVICES.tcpPort, hasV6 ? '::' : '0.0.0.0');
  closers.push(() => tcp.close());
  for (const address of hasV6 ? [SERVICES.dns4, SERVICES.dns6] : [SERVICES.dns4]) {
    const dns = await dnsServer(address);
    closers.push(() => dns.close());
  }
  serve({ ping: () => 'pong' }, () => closers.forEach((close) => close()));
}

main().catch((err: unknown) => {
  console.error(`lab services: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
