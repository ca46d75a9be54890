/**
 * How an uplink's `targets` and `probes` become the probe target strings of
 * @wanwatch/probes' grammar.
 *
 * - A **full target** (`icmp:…`, `tcp:…`, `dns:…`, `http://…`, `https://…`)
 *   names its own method and is used as written, once.
 * - A **bare address** (`192.0.2.10`, `2001:db8::53`) is probed by every
 *   entry of `probes`, in order: `icmp` → `192.0.2.10`; `tcp:443` →
 *   `tcp:192.0.2.10:443`; `dns:example.org` (or `dns:example.org:AAAA`) →
 *   `dns:192.0.2.10:example.org`; `http`, `https`, `https:8443/health` →
 *   `https://192.0.2.10:8443/health`. IPv6 addresses get brackets where the
 *   form needs them.
 * - **`gateway` and `gateway6`** are probed by ICMP only (the ISP's router
 *   answers pings; it rarely serves TCP, HTTP or DNS), so they need `icmp`
 *   in `probes`.
 *
 * Targets come out target by target, each expanded in the order of
 * `probes`: `targets: [gateway, 192.0.2.10]` with `probes: [icmp, tcp:443]`
 * gives `gateway`, `192.0.2.10`, `tcp:192.0.2.10:443`. The same target
 * string twice is an error (the engine pools targets by their string).
 */
import { isIP } from 'node:net';
import { targetError } from '@wanwatch/probes';

/** One entry of `probes`, parsed. */
export type ProbeMethod =
  | { readonly kind: 'icmp' }
  | { readonly kind: 'tcp'; readonly port: number }
  | { readonly kind: 'dns'; readonly name: string }
  | { readonly kind: 'http'; readonly scheme: 'http' | 'https'; readonly port: number | null; readonly path: string };

/** One expanded target and the index in `targets` it came from. */
export interface ExpandedTarget {
  readonly target: string;
  readonly from: number;
}

/** A problem, at a path relative to the uplink (`['targets', 2]`, `['probes', 0]`). */
export interface TargetIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const FULL = /^(icmp:|tcp:|dns:|https?:\/\/)/i;

/** The method `text` names, or an error message. */
export function parseProbeMethod(text: string): ProbeMethod | string {
  if (text === 'icmp') return { kind: 'icmp' };
  let m = /^tcp:(\d{1,5})$/.exec(text);
  if (m) {
    const port = Number(m[1]);
    return port >= 1 && port <= 65535 ? { kind: 'tcp', port } : `port must be 1…65535 in ${JSON.stringify(text)}`;
  }
  m = /^dns:(.+)$/.exec(text);
  if (m) return { kind: 'dns', name: m[1] ?? '' };
  if (/^https?:\/\//i.test(text)) return `${JSON.stringify(text)} is a complete target: list it under targets`;
  m = /^(https?)(?::(\d{1,5}))?(\/\S*)?$/.exec(text);
  if (m) {
    const port = m[2] === undefined ? null : Number(m[2]);
    if (port !== null && (port < 1 || port > 65535)) return `port must be 1…65535 in ${JSON.stringify(text)}`;
    return { kind: 'http', scheme: m[1] as 'http' | 'https', port, path: m[3] ?? '/' };
  }
  return `unknown probe ${JSON.stringify(text)}: expected icmp, tcp:<port>, dns:<name>[:A|AAAA] or http[s][:<port>][/<path>]`;
}

function apply(address: string, method: ProbeMethod): string {
  const v6 = isIP(address.split('%')[0] ?? '') === 6;
  const host = v6 ? `[${address}]` : address;
  switch (method.kind) {
    case 'icmp':
      return address;
    case 'tcp':
      return `tcp:${host}:${method.port}`;
    case 'dns':
      return `dns:${host}:${method.name}`;
    case 'http':
      return `${method.scheme}://${host}${method.port === null ? '' : `:${method.port}`}${method.path}`;
  }
}

/**
 * Expands `targets` by `probes` (see the module description) and checks
 * every result against the probes' grammar.
 *
 * @example
 * ```ts
 * expandTargets(['gateway', '192.0.2.10'], ['icmp', 'tcp:443']).targets.map((t) => t.target);
 * // → ['gateway', '192.0.2.10', 'tcp:192.0.2.10:443']
 * ```
 */
export function expandTargets(
  targets: readonly string[],
  probes: readonly string[],
): { targets: ExpandedTarget[]; issues: TargetIssue[] } {
  const issues: TargetIssue[] = [];
  const methods: ProbeMethod[] = [];
  probes.forEach((p, i) => {
    const m = parseProbeMethod(p);
    if (typeof m === 'string') issues.push({ path: ['probes', i], message: m });
    else methods.push(m);
  });
  const out: ExpandedTarget[] = [];
  const seen = new Map<string, number>();
  const add = (target: string, from: number) => {
    const error = targetError(target);
    if (error !== null) return issues.push({ path: ['targets', from], message: error });
    const first = seen.get(target);
    if (first !== undefined) {
      const origin = first === from ? 'an earlier probe of the same target' : `targets[${first}]`;
      return issues.push({
        path: ['targets', from],
        message: `gives ${JSON.stringify(target)} twice (also from ${origin})`,
      });
    }
    seen.set(target, from);
    out.push({ target, from });
  };
  targets.forEach((t, i) => {
    if (FULL.test(t)) return void add(t, i);
    if (t === 'gateway' || t === 'gateway6') {
      if (methods.some((m) => m.kind === 'icmp')) add(t, i);
      else if (methods.length > 0 || probes.length === 0)
        issues.push({ path: ['targets', i], message: `${t} is probed by ICMP only, and probes does not list icmp` });
      return;
    }
    if (isIP(t.split('%')[0] ?? '') === 0)
      return void issues.push({
        path: ['targets', i],
        message: `${JSON.stringify(t)} is not an IP address, gateway, gateway6 or a full target (tcp:…, dns:…, http(s)://…)`,
      });
    for (const m of methods) add(apply(t, m), i);
  });
  return { targets: out, issues };
}
