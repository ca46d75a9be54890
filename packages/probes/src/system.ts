/**
 * Which operating system's mechanisms the probes use. Linux binds ICMP
 * sockets to the uplink's device (`SO_BINDTODEVICE`) and reads link state
 * from sysfs; FreeBSD (OPNsense) has neither, so there the probes bind to the
 * uplink's source address (as OPNsense's dpinger does with `-B <srcip>`) and
 * read link state from `ifconfig` (see freebsd/links.ts).
 */

/** The systems the probes know. */
export type ProbeSystem = 'linux' | 'freebsd';

/**
 * The probe system for a Node platform name: `freebsd` on FreeBSD, `linux`
 * everywhere else (Linux is the only other system the probes support).
 *
 * @example
 * ```ts
 * probeSystemFor(process.platform); // 'freebsd' on OPNsense, 'linux' here
 * ```
 */
export function probeSystemFor(platform: NodeJS.Platform): ProbeSystem {
  return platform === 'freebsd' ? 'freebsd' : 'linux';
}
