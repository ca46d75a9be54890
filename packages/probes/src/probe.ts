/**
 * The probe wanwatch's engine calls: one object for every target form of
 * the grammar (see target.ts), dispatching to ICMP, TCP, HTTP(S) or DNS.
 * It never throws and never rejects: every outcome is a ProbeResult.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import {
  integerLimit,
  isInterfaceName,
  withinLimit,
  type Limit,
  type Probe,
  type ProbeRequest,
  type ProbeResult,
} from '@wanwatch/core';
import { LinkCache } from './device.js';
import { IfconfigLinks, type IfconfigRunner } from './freebsd/links.js';
import { freebsdPing, FREEBSD_PING } from './icmp/freebsd-ping.js';
import { probeSystemFor, type ProbeSystem } from './system.js';
import { LinkGuard } from './link-guard.js';
import { dnsQuery } from './dns.js';
import { egress, isResult, type Egress, type GatewayResolver } from './egress.js';
import { httpGet, type HttpOptions } from './http.js';
import {
  loadNetPing,
  openNative,
  type IcmpBackendChoice,
  type IcmpBackendName,
  type ProbeLogger,
} from './icmp/backend.js';
import type { NativeIcmp } from './icmp/native.js';
import type { EchoShape, NetPing } from './icmp/session.js';
import { systemPing } from './icmp/system-ping.js';
import { fail, failureOf } from './outcome.js';
import { parseTarget, type ParsedTarget } from './target.js';
import { tcpConnect } from './tcp.js';

/** Default ICMP payload: 56 bytes, as `ping` sends. Never 0: some ISPs drop empty echo requests. */
export const DEFAULT_PAYLOAD_BYTES = 56;
/** Default IPv4 TTL / IPv6 hop limit. */
export const DEFAULT_TTL = 64;
/** The ranges of the ICMP options (the agent's config schema declares its keys with these). */
export const ICMP_LIMITS = Object.freeze({ payloadBytes: integerLimit(4, 1472), ttl: integerLimit(1, 255) });

/** FreeBSD (OPNsense) settings of {@link createProbe}; used only with `system: 'freebsd'`. */
export interface FreeBsdProbeOptions {
  /** The `ping` to run for ICMP probes. Default `/sbin/ping`. */
  readonly pingCommand?: string;
  /** The `ifconfig` to read link state with. Default `/sbin/ifconfig`. */
  readonly ifconfigCommand?: string;
  /** A device's `ifconfig` answer is re-read in the background once older than this, in ms. Default 1000. */
  readonly ifconfigMaxAgeMs?: number;
  /** Runs `ifconfig <dev>` instead of `ifconfigCommand` (tests). */
  readonly runIfconfig?: IfconfigRunner;
  /** Replaces `os.networkInterfaces()` as the source of the uplinks' addresses (tests). */
  readonly networkInterfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
}

/** Settings of {@link createProbe}. Every field is optional. */
export interface ProbeOptions {
  /**
   * Which system's mechanisms to use. Default: `freebsd` when
   * `process.platform` is `freebsd`, else `linux` ({@link probeSystemFor}).
   * `linux`: ICMP raw sockets bound to the uplink's device (SO_BINDTODEVICE),
   * link state from sysfs. `freebsd`: ICMP through `/sbin/ping -S <the
   * uplink's address>`, link state from `ifconfig` (cached), TCP/HTTP/DNS
   * bound to the uplink's address as on Linux. Selectable so that tests can
   * run the FreeBSD path on Linux.
   */
  readonly system?: ProbeSystem;
  /** FreeBSD settings (commands, ifconfig cache age, test hooks). */
  readonly freebsd?: FreeBsdProbeOptions;
  readonly icmp?: {
    /** `auto` (default): native, falling back to system ping; on FreeBSD always the system ping (`native` is rejected there). */
    readonly backend?: IcmpBackendChoice;
    /** ICMP payload bytes, 4…1472. Default {@link DEFAULT_PAYLOAD_BYTES}. */
    readonly payloadBytes?: number;
    /** TTL / hop limit, 1…255. Default {@link DEFAULT_TTL}. */
    readonly ttl?: number;
  };
  readonly http?: HttpOptions;
  /** Where the backend choice (info) and problems (warn) go. Default: warnings to console.warn, no info. */
  readonly logger?: ProbeLogger;
  /** How long a device's state may be reused, in ms. Default 50. */
  readonly linkCacheMs?: number;
  /** While probes of a device are in flight, its carrier is checked this often, in ms. Default 100. */
  readonly linkPollMs?: number;
  /**
   * The current gateway of an uplink whose `gateway`/`gateway6` is `auto` or
   * unset, for the `gateway` and `gateway6` targets. The platform adapter
   * knows it (a DHCP lease, the routing table).
   */
  readonly resolveGateway?: GatewayResolver;
  /** Loads net-ping (replaceable to test the fallback). */
  readonly loadNetPing?: () => Promise<NetPing>;
}

function checkRange(name: string, value: number, limit: Limit): number {
  if (!withinLimit(value, limit)) throw new RangeError(`${name} must be an integer ${limit.min}…${limit.max}`);
  return value;
}

/**
 * wanwatch's probe: implements core's `Probe`.
 *
 * @example
 * ```ts
 * const probe = createProbe();
 * const r = await probe.send({ uplink, target: 'tcp:192.0.2.10:443', timeoutMs: 1000, path: 'uplink' });
 * if (!r.ok) console.log(r.reason, r.detail); // "link-down", "ENETDOWN: wan2 has no carrier"
 * ```
 */
export class WanwatchProbe implements Probe {
  private readonly links: LinkCache;
  private readonly guard: LinkGuard;
  private readonly shape: EchoShape;
  private readonly logger: ProbeLogger;
  private readonly bsd: IfconfigLinks | null = null;
  /** The system whose mechanisms this probe uses. */
  readonly system: ProbeSystem;
  private native: NativeIcmp | null = null;
  private backend: Promise<IcmpBackendName> | null = null;
  private chosen: IcmpBackendName | null = null;
  private readonly parsed = new Map<string, ParsedTarget | string>();
  private closed = false;

  constructor(private readonly options: ProbeOptions = {}) {
    this.shape = {
      payloadBytes: checkRange(
        'icmp.payloadBytes',
        options.icmp?.payloadBytes ?? DEFAULT_PAYLOAD_BYTES,
        ICMP_LIMITS.payloadBytes,
      ),
      ttl: checkRange('icmp.ttl', options.icmp?.ttl ?? DEFAULT_TTL, ICMP_LIMITS.ttl),
    };
    this.system = options.system ?? probeSystemFor(process.platform);
    this.logger = options.logger ?? { warn: (m) => console.warn(m) };
    if (this.system === 'freebsd') {
      if (options.icmp?.backend === 'native')
        throw new RangeError(
          "icmp.backend 'native' is Linux-only (SO_BINDTODEVICE); on FreeBSD use 'auto' or 'system'",
        );
      const f = options.freebsd ?? {};
      const bsd = new IfconfigLinks({
        run: f.runIfconfig,
        command: f.ifconfigCommand,
        maxAgeMs: f.ifconfigMaxAgeMs,
        interfaces: f.networkInterfaces,
        warn: (m) => this.logger.warn(m),
      });
      this.bsd = bsd;
      this.links = new LinkCache(options.linkCacheMs ?? 50, (dev) => bsd.read(dev));
    } else {
      this.links = new LinkCache(options.linkCacheMs ?? 50);
    }
    this.guard = new LinkGuard(this.links, options.linkPollMs ?? 100);
  }

  /** The ICMP backend in use, or null before the first ICMP probe chose it. */
  get icmpBackend(): IcmpBackendName | null {
    return this.chosen;
  }

  /** Chooses the ICMP backend now (otherwise done by the first ICMP probe). */
  resolveIcmpBackend(): Promise<IcmpBackendName> {
    this.backend ??= this.choose();
    return this.backend;
  }

  private async choose(): Promise<IcmpBackendName> {
    const choice = this.options.icmp?.backend ?? 'auto';
    if (this.system === 'freebsd') {
      // No SO_BINDTODEVICE, and raw-socket cannot bind an address: the system ping with -S (see icmp/freebsd-ping.ts).
      this.chosen = 'system-ping';
      this.logger.info?.("wanwatch probes: ICMP through FreeBSD's ping, bound to each uplink's source address (-S)");
      return 'system-ping';
    }
    if (choice !== 'system') {
      const opened = await openNative(this.shape, this.options.loadNetPing ?? loadNetPing);
      if ('native' in opened) {
        this.native = opened.native;
        this.chosen = 'native';
        this.logger.info?.('wanwatch probes: ICMP through net-ping raw sockets');
        return 'native';
      }
      if (choice === 'native') {
        this.logger.warn(`wanwatch probes: native ICMP unavailable (${opened.reason}); ICMP probes will fail`);
        this.chosen = 'native';
        return 'native';
      }
      // The fallback is a supported set-up (net-ping is an optional dependency), not a fault: info, once.
      this.logger.info?.(
        `wanwatch probes: native ICMP unavailable (${opened.reason}); using the system ping, one process per probe`,
      );
    }
    this.chosen = 'system-ping';
    return 'system-ping';
  }

  /** Probes one target. Never rejects. */
  async send(request: ProbeRequest): Promise<ProbeResult> {
    try {
      if (this.closed) return fail('aborted', 'closed');
      if (request.signal?.aborted) return fail('aborted');
      const target = this.parse(request.target);
      if (typeof target === 'string') return fail('error', target);
      return await this.dispatch(request, target);
    } catch (err) {
      return failureOf(err);
    }
  }

  private parse(target: string): ParsedTarget | string {
    let hit = this.parsed.get(target);
    if (hit === undefined) {
      try {
        hit = parseTarget(target);
      } catch (err) {
        hit = `invalid target: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (this.parsed.size > 10_000) this.parsed.clear();
      this.parsed.set(target, hit);
    }
    return hit;
  }

  private async dispatch(request: ProbeRequest, target: ParsedTarget): Promise<ProbeResult> {
    const { timeoutMs, signal } = request;
    if (!(timeoutMs > 0)) return fail('error', `invalid timeout ${timeoutMs}`);
    if (this.bsd) await this.firstLinkRead(request);
    switch (target.kind) {
      case 'icmp': {
        const bsd = this.system === 'freebsd';
        const e = egress(request, target.host, this.links, bsd, this.options.resolveGateway, bsd);
        return isResult(e) ? e : this.guard.run(e.device, () => this.icmp(e, timeoutMs, signal));
      }
      case 'tcp': {
        const e = egress(request, target.host, this.links, true, this.options.resolveGateway);
        return isResult(e) ? e : this.guard.run(e.device, () => tcpConnect(e, target.port, timeoutMs, signal));
      }
      case 'dns': {
        const e = egress(request, target.server, this.links, true, this.options.resolveGateway);
        if (isResult(e)) return e;
        return this.guard.run(e.device, () => dnsQuery(e, target.name, target.type, timeoutMs, signal));
      }
      case 'http': {
        const host = target.url.hostname.replace(/^\[(.*)\]$/, '$1');
        const address = isIP(host) ? host : await this.resolveName(host);
        if (address === null) return fail('error', `dns: cannot resolve ${host}`);
        const e = egress(request, address, this.links, true, this.options.resolveGateway);
        if (isResult(e)) return e;
        return this.guard.run(e.device, () => httpGet(e, target, timeoutMs, this.options.http ?? {}, signal));
      }
    }
  }

  /** FreeBSD: the first probe of a device waits for its first `ifconfig` answer; later ones use the cached one. */
  private async firstLinkRead(request: ProbeRequest): Promise<void> {
    const dev = request.uplink.interface;
    if (request.path === 'default' || dev === undefined || !isInterfaceName(dev)) return;
    const pending = this.bsd?.ready(dev);
    if (pending) {
      await pending;
      this.links.invalidate(dev);
    }
  }

  private async resolveName(host: string): Promise<string | null> {
    try {
      return (await lookup(host)).address;
    } catch {
      return null;
    }
  }

  private async icmp(e: Egress, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
    const backend = await this.resolveIcmpBackend();
    if (this.system === 'freebsd')
      return freebsdPing(e, timeoutMs, this.shape, this.options.freebsd?.pingCommand ?? FREEBSD_PING, signal);
    if (backend === 'system-ping') return systemPing(e, timeoutMs, this.shape, signal);
    if (!this.native) return fail('error', 'native ICMP unavailable');
    const result = await this.native.ping(e, timeoutMs, signal);
    // A failure may mean the device changed under us: read it afresh next time.
    if (!result.ok && e.device) this.links.invalidate(e.device);
    return result;
  }

  /** Closes every socket. Later probes fail with `closed`. */
  async close(): Promise<void> {
    this.closed = true;
    this.guard.close();
    this.native?.close();
  }
}

/** Creates wanwatch's probe. Throws RangeError for out-of-range options. */
export function createProbe(options: ProbeOptions = {}): WanwatchProbe {
  return new WanwatchProbe(options);
}
