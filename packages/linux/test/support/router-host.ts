/**
 * A helper process inside the lab's router namespace, driven by the test
 * over netlab's agent channel: sends probes with `@wanwatch/probes` (they
 * must run in the namespace to bind to its devices), and watches the
 * kernel's default routes in a tight loop for the make-before-break test.
 */
import { readFileSync } from 'node:fs';
import type { ProbeRequest } from '@wanwatch/core';
import { serveAgent } from '@wanwatch/netlab';
import { createProbe } from '@wanwatch/probes';

const probe = createProbe({ logger: { warn: () => undefined } });

/** A request as it crosses the channel (no AbortSignal). */
type WireRequest = Omit<ProbeRequest, 'signal'>;

/** Default routes of the main table in /proc: IPv4 (/proc/net/route) and IPv6 (/proc/net/ipv6_route, table-less). */
function defaults(): { v4: number; v6: number } {
  let v4 = 0;
  for (const line of readFileSync('/proc/net/route', 'latin1').split('\n').slice(1)) {
    const f = line.split('\t');
    if (f[1] === '00000000' && f[7] === '00000000') v4++;
  }
  let v6 = 0;
  for (const line of readFileSync('/proc/net/ipv6_route', 'latin1').split('\n')) {
    const f = line.trim().split(/\s+/);
    // dst 0/0, not the kernel's "unreachable" default of the lo device.
    if (f[0] === '0'.repeat(32) && f[1] === '00' && f[9] !== 'lo') v6++;
  }
  return { v4, v6 };
}

serveAgent(
  {
    send: (params) => probe.send(params as WireRequest),
    /**
     * Samples the default routes as fast as it can for `ms` (at most 10 s and
     * 2,000,000 samples); counts samples with no IPv4 or no IPv6 default route.
     */
    watchDefaults: async (params) => {
      const { ms, delayMs } = params as { ms: number; delayMs: number };
      await new Promise((r) => setTimeout(r, Math.min(delayMs, 1000)));
      const until = performance.now() + Math.min(ms, 10_000);
      let samples = 0;
      let without4 = 0;
      let without6 = 0;
      while (performance.now() < until && samples < 2_000_000) {
        const d = defaults();
        samples++;
        if (d.v4 === 0) without4++;
        if (d.v6 === 0) without6++;
      }
      return { samples, without4, without6 };
    },
  },
  () => probe.close(),
);
