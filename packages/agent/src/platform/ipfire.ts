/**
 * The `ipfire` platform: `@wanwatch/ipfire`'s adapter (RED switched between
 * IPFire profiles through IPFire's network script; dark standby, so only
 * the active uplink is probed) and the probes of a real platform. `gateway`
 * targets resolve to RED's peer as IPFire recorded it
 * (`/var/ipfire/red/remote-ipaddress`) for the active uplink.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IpfireAdapter } from '@wanwatch/ipfire';
import type { AgentConfig } from '../config/load.js';
import { platformProbe, type Platform, type PlatformLogger } from './index.js';

/** Builds the IPFire platform. */
export function ipfirePlatform(config: AgentConfig, logger: PlatformLogger): Platform {
  const adapter = new IpfireAdapter(config.uplinks, { ...config.ipfire, logger });
  const { redDir } = adapter.options.paths;
  const gatewayOf = (id: string, family: 4 | 6): string | null => {
    const configured = config.uplinks.find((u) => u.id === id)?.[family === 4 ? 'gateway' : 'gateway6'];
    if (configured && configured !== 'auto') return configured;
    if (family === 6) return null;
    try {
      return readFileSync(join(redDir, 'remote-ipaddress'), 'utf8').trim() || null;
    } catch {
      return null;
    }
  };
  return { adapter, probe: platformProbe(config, gatewayOf, logger) };
}
