/**
 * A probe host: runs wanwatch's probe inside the lab's router namespace (the
 * test process stays in the machine's own namespace) and answers the test's
 * calls over netlab's agent channel. Started by lab-probe.ts.
 */
import { readFileSync } from 'node:fs';
import type { ProbeRequest, ProbeResult } from '@wanwatch/core';
import { serveAgent } from '@wanwatch/netlab';
import { createProbe, type ProbeOptions } from '../../src/index.js';

export interface HostOptions {
  readonly icmp?: ProbeOptions['icmp'];
  /** PEM file trusted for HTTPS. */
  readonly caFile?: string;
  /** Make loading net-ping fail, as when the native addon was not built. */
  readonly breakNative?: boolean;
}

const options = JSON.parse(process.argv[2] ?? '{}') as HostOptions;
const logs: string[] = [];
const probe = createProbe({
  icmp: options.icmp,
  http: options.caFile ? { ca: readFileSync(options.caFile) } : {},
  logger: { warn: (m) => logs.push(`warn: ${m}`), info: (m) => logs.push(`info: ${m}`) },
  ...(options.breakNative
    ? { loadNetPing: () => Promise.reject(new Error("Cannot find module './build/Release/raw.node'")) }
    : {}),
});

/** A request as it crosses the channel (no AbortSignal). */
type WireRequest = Omit<ProbeRequest, 'signal'>;

serveAgent(
  {
    send: (params) => probe.send(params as WireRequest),
    sendMany: (params) => Promise.all((params as WireRequest[]).map((r) => probe.send(r))),
    /** Probes `request` every `everyMs` until a result matches `until` (ok / not ok) or `maxMs` passed. */
    until: async (params) => {
      const { request, everyMs, maxMs, ok } = params as {
        request: WireRequest;
        everyMs: number;
        maxMs: number;
        ok: boolean;
      };
      const start = performance.now();
      let last: ProbeResult = { ok: false, reason: 'error', detail: 'not sent' };
      for (let k = 0; k < 10_000 && performance.now() - start < maxMs; k++) {
        last = await probe.send(request);
        if (last.ok === ok) return { result: last, elapsedMs: performance.now() - start, probes: k + 1 };
        await new Promise((r) => setTimeout(r, everyMs));
      }
      return { result: last, elapsedMs: performance.now() - start, probes: -1 };
    },
    backend: () => probe.resolveIcmpBackend(),
    logs: () => logs,
    pid: () => process.pid,
  },
  () => probe.close(),
);
