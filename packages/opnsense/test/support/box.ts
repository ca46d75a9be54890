/** Test helpers: an emulated box with config.xml, uplinks on it, an adapter on it, and a probe that reads it. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivateContext, Probe, ProbeRequest, ProbeResult, Uplink } from '@wanwatch/core';
import { OpnsenseAdapter, type OpnsenseAdapterOptions } from '../../src/index.js';
import { FakeBsd, twoWanState, type FakeState } from '../emulation/fake-bsd.js';

export const CONFIG_XML = `<?xml version="1.0"?>
<opnsense>
  <interfaces>
    <lan><if>vtnet0</if><ipaddr>192.0.2.2</ipaddr></lan>
    <wan><if>vtnet1</if><ipaddr>dhcp</ipaddr><ipaddrv6>dhcp6</ipaddrv6></wan>
    <opt1><descr>LTE</descr><if>vtnet2</if><ipaddr>dhcp</ipaddr><ipaddrv6>dhcp6</ipaddrv6></opt1>
  </interfaces>
</opnsense>
`;

export const FIBER: Uplink = { id: 'fiber', priority: 10, interface: 'vtnet1', targets: ['192.0.2.10'] };
export const LTE: Uplink = { id: 'lte', priority: 20, interface: 'vtnet2', targets: ['192.0.2.10'] };
export const UPLINKS = [FIBER, LTE];

/** What the engine tells `activate()` on a failover from `previous`. */
export const ctx = (previous: Uplink | null): ActivateContext => ({
  previous,
  reason: 'failover',
  signal: new AbortController().signal,
});

/** A box with config.xml written next to its state. */
export function newBox(state: FakeState = twoWanState()): FakeBsd & { configXml: string } {
  const box = new FakeBsd(state) as FakeBsd & { configXml: string };
  box.configXml = join(box.dir, 'config.xml');
  writeFileSync(box.configXml, CONFIG_XML);
  return box;
}

/** Brings `device` up the way OPNsense would at boot (linkup start + reconfigure), then forgets those calls. */
export function bootWith(box: FakeBsd, device: string, name: string): void {
  box.run('configctl', 'interface', 'linkup', 'start', device);
  box.run('configctl', 'interface', 'reconfigure', name);
  box.clearCalls();
}

/** Warnings the adapter logged. */
export interface Logged {
  warnings: string[];
  infos: string[];
}

export function adapterOn(
  box: FakeBsd & { configXml: string },
  options: OpnsenseAdapterOptions = {},
  uplinks: readonly Uplink[] = UPLINKS,
): { adapter: OpnsenseAdapter; log: Logged } {
  const log: Logged = { warnings: [], infos: [] };
  const adapter = new OpnsenseAdapter(uplinks, {
    commandPath: [box.bin],
    configXml: box.configXml,
    commandTimeoutMs: 5_000,
    addressTimeoutMs: 2_000,
    routeTimeoutMs: 300,
    pollMs: 50,
    releaseDelayMs: 0,
    logger: { warn: (m) => log.warnings.push(m), info: (m) => log.infos.push(m) },
    ...options,
  });
  return { adapter, log };
}

/**
 * A probe that answers through the emulated box: an uplink answers when its
 * device holds an address and the test says its ISP works; the default path
 * answers when the default route leads out of a working uplink.
 */
export class BoxProbe implements Probe {
  readonly working = new Map<string, boolean>();

  constructor(private readonly box: FakeBsd) {}

  async send(req: ProbeRequest): Promise<ProbeResult> {
    const state = JSON.parse(readFileSync(this.box.stateFile, 'utf8')) as FakeState;
    const device = req.path === 'default' ? state.routes.inet?.interface : req.uplink.interface;
    const owner = req.path === 'default' ? UPLINKS.find((u) => u.interface === device)?.id : req.uplink.id;
    const live = device !== undefined && (state.interfaces[device]?.ipv4.some((a) => a.vhid === undefined) ?? false);
    if (live && owner !== undefined && this.working.get(owner) !== false) return { ok: true, rttMs: 5 };
    await new Promise((r) => setTimeout(r, Math.min(req.timeoutMs, 20)));
    return live
      ? { ok: false, reason: 'timeout', detail: 'timeout' }
      : { ok: false, reason: 'unreachable', detail: 'ENETUNREACH' };
  }
}
