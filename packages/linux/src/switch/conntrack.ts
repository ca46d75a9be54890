/**
 * Selective conntrack clean-up after a switch. mwan3's `flush_conntrack`
 * and OPNsense's state killing drop every connection of the box (LAN to
 * LAN, VPNs, the admin's SSH session); here only the flows that are tied
 * to the uplink just left go:
 *
 *   conntrack -D -f ipv4|ipv6 --reply-dst <address of the old uplink>
 *
 * A flow NATed (masqueraded) to the old uplink has that address as its
 * reply destination, and so has a flow the router itself opened from it;
 * a flow coming in to that address (an SSH session, a port forward) has
 * the remote peer there instead and is kept. Deleting the entries makes
 * the next packet of each flow a new one, NATed to the new uplink's
 * address, so clients notice at once instead of waiting out a dead path.
 *
 * It runs after the default route has moved, so the flows a client opens
 * again already take the new uplink. It never fails a switch: conntrack
 * missing or failing is a warning.
 */
import type { CommandRunner } from '@wanwatch/exec';
import { CommandError } from '@wanwatch/exec';

/** What a clean-up did. */
export interface ConntrackOutcome {
  /** Entries deleted, over every address. */
  readonly deleted: number;
  /** Problems, each a one-line message (empty when all went well). */
  readonly problems: readonly string[];
  /** True when the conntrack program is missing. */
  readonly missing: boolean;
}

const DELETED = /(\d+) flow entr(?:y|ies) ha(?:s|ve) been deleted/;

/** Deletes the conntrack entries whose reply goes to one of `addresses`. */
export async function deleteFlowsTo(
  runner: CommandRunner,
  addresses: { readonly 4: readonly string[]; readonly 6: readonly string[] },
  signal?: AbortSignal,
): Promise<ConntrackOutcome> {
  let deleted = 0;
  let missing: string | null = null;
  const problems: string[] = [];
  const jobs = ([4, 6] as const).flatMap((family) =>
    addresses[family].map(async (address) => {
      const argv = ['conntrack', '-D', '-f', family === 4 ? 'ipv4' : 'ipv6', '--reply-dst', address];
      try {
        // conntrack exits 1 when nothing matched; the count on stderr tells that apart from a failure.
        const { stderr, exitCode } = await runner.run(argv, { signal, okExitCodes: [1] });
        const m = DELETED.exec(stderr);
        if (m) deleted += Number(m[1]);
        else if (exitCode !== 0) problems.push(`${argv.join(' ')} failed: exit ${exitCode}: ${stderr}`);
      } catch (err) {
        if (err instanceof CommandError && err.missing) missing = err.message;
        else problems.push(err instanceof Error ? err.message : String(err));
      }
    }),
  );
  // One command per address, all at once: they touch different entries.
  await Promise.all(jobs);
  if (missing !== null) return { deleted, problems: [missing], missing: true };
  return { deleted, problems, missing: false };
}

/** What the adapter says after a clean-up. */
export interface CleanupReport {
  readonly warnings: readonly string[];
  readonly info: string | null;
  readonly missing: boolean;
}

/**
 * Deletes the flows of the uplink left (`uplink`, with its last known
 * `addresses`) and words the outcome; conntrack missing is warned about
 * only when `warnedBefore` is false.
 */
export async function cleanFlowsOf(
  runner: CommandRunner,
  uplink: string,
  addresses: { readonly 4: readonly string[]; readonly 6: readonly string[] },
  warnedBefore: boolean,
): Promise<CleanupReport> {
  if (addresses[4].length + addresses[6].length === 0) return { warnings: [], info: null, missing: false };
  const outcome = await deleteFlowsTo(runner, addresses);
  const list = [...addresses[4], ...addresses[6]].join(', ');
  if (outcome.missing) {
    const warning =
      `wanwatch linux: conntrack is not installed, so flows NATed to ${uplink} (${list}) were not deleted ` +
      `(${outcome.problems[0] ?? ''}); install conntrack, or set conntrack: off`;
    return { warnings: warnedBefore ? [] : [warning], info: null, missing: true };
  }
  return {
    warnings: outcome.problems.map((p) => `wanwatch linux: conntrack clean-up of ${uplink}'s flows: ${p}`),
    info: `wanwatch linux: deleted ${outcome.deleted} conntrack entries of flows NATed to ${uplink} (${list})`,
    missing: false,
  };
}
