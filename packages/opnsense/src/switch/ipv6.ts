/**
 * Bringing IPv6 back after a WAN came up, in the order OPNsense itself
 * starts the client side (interfaces.inc, rtsold_script.sh) and then the
 * LAN side:
 *
 * 1. rtsold: `pkill -F /var/run/rtsold.pid`, then rtsold with OPNsense's own
 *    arguments (it solicits router advertisements on every interface);
 * 2. dhcp6c: `rtsold_script.sh <dev>` — what rtsold would run on the first
 *    RA: starts dhcp6c or SIGHUPs a running one, so the DHCPv6/PD request
 *    goes out now instead of after the next RA (the seeds waited ~11 s);
 * 3. radvd: `configctl radvd restart`, so LAN hosts hear the (new) prefix.
 *
 * Each step is tried even if an earlier one failed; IPv4 already works,
 * so failures are reported, not fatal.
 */
import type { BsdSystem } from '../system.js';
import { message } from '../system.js';

/** OPNsense's rtsold command line (interfaces.inc, interface_dhcpv6_configure). */
export const RTSOLD_ARGS = [
  '-aiu',
  '-p',
  '/var/run/rtsold.pid',
  '-A',
  '/usr/local/opnsense/scripts/interfaces/rtsold_script.sh',
  '-R',
  '/usr/local/opnsense/scripts/interfaces/rtsold_resolvconf.sh',
] as const;

/** Restarts the IPv6 client services for `device`; resolves with the problems met (empty when all went well). */
export async function restartIpv6Services(sys: BsdSystem, device: string, signal?: AbortSignal): Promise<string[]> {
  const problems: string[] = [];
  const c = sys.commands;
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      problems.push(`${what}: ${message(err)}`);
    }
  };
  // pkill exits 1 when no rtsold ran: nothing to stop.
  await step('stopping rtsold', () =>
    sys.runner.run([c.pkill, '-F', '/var/run/rtsold.pid'], { signal, okExitCodes: [1] }),
  );
  await step('starting rtsold', () => sys.runner.run([c.rtsold, ...RTSOLD_ARGS], { signal }));
  await step('starting dhcp6c', () => sys.runner.run([c.rtsoldScript, device], { signal }));
  await step('restarting radvd', () => sys.configctl.radvdRestart({ signal }));
  return problems;
}
