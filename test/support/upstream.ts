/**
 * Where the platforms' own files are: IPFire's and OPNsense's scripts,
 * daemons and readers that the conformance suites run instead of our own
 * re-implementations. One setting, the environment variable
 * `WANWATCH_UPSTREAM`, names a folder holding `ipfire-2.x/` and
 * `opnsense-core/` laid out as their upstream repositories are (`.ci/run`
 * sets it; point it at your own checkouts to test against a newer release).
 *
 * A missing or wrong setting is an error, never a skipped suite.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type UpstreamTree = 'ipfire-2.x' | 'opnsense-core';

/** The folder `WANWATCH_UPSTREAM` names, checked to hold both trees. */
export function upstreamRoot(): string {
  const value = process.env.WANWATCH_UPSTREAM;
  if (value === undefined || value === '') {
    throw new Error(
      'WANWATCH_UPSTREAM is not set: it must name the folder holding ipfire-2.x/ and opnsense-core/ ' +
        '(the platforms’ own files the conformance tests run; .ci/run sets it)',
    );
  }
  const root = resolve(value);
  for (const tree of ['ipfire-2.x', 'opnsense-core'] as const) {
    if (!existsSync(join(root, tree, 'COMMIT'))) {
      throw new Error(`WANWATCH_UPSTREAM=${value}: ${join(root, tree, 'COMMIT')} does not exist`);
    }
  }
  return root;
}

/** A path inside one upstream tree, e.g. `upstreamPath('ipfire-2.x', 'src/initscripts/system/network')`; it must exist. */
export function upstreamPath(tree: UpstreamTree, path: string): string {
  const full = join(upstreamRoot(), tree, path);
  if (!existsSync(full))
    throw new Error(`upstream file missing: ${full} (WANWATCH_UPSTREAM=${process.env.WANWATCH_UPSTREAM})`);
  return full;
}
