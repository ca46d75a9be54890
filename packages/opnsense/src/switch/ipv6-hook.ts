/**
 * The environment of the IPv6 hook (seed 002: NPTv6 and prefix-delegation
 * scripts such as dhcp6c-checkset-nptv6 must act only on the CARP master).
 * The adapter runs the hook after each activation while this box is master,
 * never on a backup, so the script needs no CARP check of its own.
 *
 * | variable | value |
 * |---|---|
 * | `WANWATCH_OPNSENSE_ROLE` | always `master` |
 * | `WANWATCH_OPNSENSE_UPLINK` | the uplink now active |
 * | `WANWATCH_OPNSENSE_DEVICE` | its device (`vtnet1`) |
 * | `WANWATCH_OPNSENSE_INTERFACE` | its OPNsense name (`wan`, `opt1`) |
 * | `WANWATCH_OPNSENSE_ADDRESS4` | its first IPv4 address, empty if none yet |
 * | `WANWATCH_OPNSENSE_ADDRESS6` | its first global IPv6 address, empty if none yet (DHCPv6/SLAAC may still be running) |
 * | `WANWATCH_OPNSENSE_PREVIOUS_UPLINK`, `…_PREVIOUS_DEVICE`, `…_PREVIOUS_INTERFACE` | the uplink left, empty at start |
 */
import type { IfconfigInterface } from '../bsd/ifconfig.js';
import type { WanEntry } from '../interface-map.js';

/** Builds the documented environment. */
export function ipv6HookEnvironment(
  wan: WanEntry,
  iface: IfconfigInterface | undefined,
  previous: WanEntry | undefined,
): Record<string, string> {
  const plain4 = iface?.ipv4.find((a) => a.vhid === undefined);
  const plain6 = iface?.ipv6.find((a) => a.vhid === undefined);
  return {
    WANWATCH_OPNSENSE_ROLE: 'master',
    WANWATCH_OPNSENSE_UPLINK: wan.uplink,
    WANWATCH_OPNSENSE_DEVICE: wan.device,
    WANWATCH_OPNSENSE_INTERFACE: wan.name,
    WANWATCH_OPNSENSE_ADDRESS4: plain4?.address ?? '',
    WANWATCH_OPNSENSE_ADDRESS6: plain6?.address ?? '',
    WANWATCH_OPNSENSE_PREVIOUS_UPLINK: previous?.uplink ?? '',
    WANWATCH_OPNSENSE_PREVIOUS_DEVICE: previous?.device ?? '',
    WANWATCH_OPNSENSE_PREVIOUS_INTERFACE: previous?.name ?? '',
  };
}
