import { execIn } from '../src/exec.js';

/** Packets received by `ping` run in `ns` (iputils; -W in seconds). */
export async function pings(ns: string, args: string[]): Promise<{ received: number; rttMs: number[] }> {
  const res = await execIn(ns, 'ping', ['-n', ...args], { allowFailure: true, timeoutMs: 20_000 });
  const m = /(\d+) received/.exec(res.stdout);
  const rttMs = [...res.stdout.matchAll(/time=([\d.]+) ms/g)].map((x) => Number(x[1]));
  return { received: m ? Number(m[1]) : 0, rttMs };
}

/** True when one echo request from `ns` out of `dev` to `target` is answered within 0.5 s. */
export async function reaches(ns: string, dev: string, target: string): Promise<boolean> {
  return (await pings(ns, ['-c', '1', '-W', '0.5', '-I', dev, target])).received === 1;
}
