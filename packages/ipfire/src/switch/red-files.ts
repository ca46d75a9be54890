/**
 * The files that say which profile RED comes up on, read, planned and
 * written: `ethernet/settings` (RED_TYPE and the uplink's RED_* keys),
 * `ppp/settings` (a hard link to the profile, as the web interface keeps
 * it) and `ppp/secrets` (the profile's credentials).
 *
 * `ethernet/settings` is written as the user's own file (the baseline) with
 * the uplink's keys applied, so the primary's file comes back byte for byte.
 */
import { createHash } from 'node:crypto';
import { WanwatchError } from '@wanwatch/core';
import { readText, sameFile, writeAtomic, linkAtomic, fileMeta } from '../files/atomic.js';
import { SECRETS_MODE, secretsFor } from '../files/secrets.js';
import { ReadhashDocument } from '../readhash/document.js';
import type { IpfirePaths, ManagedProfile } from '../options.js';

/** What the files say now. */
export interface RedFiles {
  readonly ethernet: string | null;
  /** The profile `ppp/settings` is a hard link of, if any. */
  readonly pppLink: number | null;
  readonly pppSettings: string | null;
  readonly secrets: string | null;
}

/** What a switch writes. */
export interface RedPlan {
  readonly ethernet: string;
  /** Link ppp/settings to this profile (PPP-family targets). */
  readonly pppLink: number | null;
  /** New secrets (PPP-family targets). */
  readonly secrets: string | null;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'latin1').digest('hex');

/** Reads the RED files. */
export async function readRedFiles(paths: IpfirePaths): Promise<RedFiles> {
  let pppLink: number | null = null;
  for (let n = 1; n <= 5 && pppLink === null; n++) if (await sameFile(paths.pppSettings, paths.profile(n))) pppLink = n;
  return {
    ethernet: await readText(paths.ethernetSettings),
    pppLink,
    pppSettings: await readText(paths.pppSettings),
    secrets: await readText(paths.secrets),
  };
}

/** The `ethernet/settings` text of `target`: the baseline with RED_TYPE and the target's keys set. */
export function ethernetFor(baseline: string, target: ManagedProfile, file: string): string {
  const doc = ReadhashDocument.parse(baseline, file);
  doc.set('RED_TYPE', target.redType);
  for (const [k, v] of Object.entries(target.ethernet)) doc.set(k, v);
  return doc.toString();
}

/** Plans the switch to `target`. Throws (a `ReadhashError`) before anything is written when a file cannot be. */
export async function planRed(paths: IpfirePaths, baseline: string, target: ManagedProfile): Promise<RedPlan> {
  const ethernet = ethernetFor(baseline, target, paths.ethernetSettings);
  if (target.ppp === null) return { ethernet, pppLink: null, secrets: null };
  const file = paths.profile(target.ppp);
  const profile = await readText(file);
  if (profile === null || profile.trim() === '')
    throw new WanwatchError(
      'E_CONFIG',
      `${file} is missing or empty: set profile ${target.ppp} up in IPFire's web interface first (uplink ${target.id})`,
      { file, uplink: target.id },
    );
  return { ethernet, pppLink: target.ppp, secrets: secretsFor(profile, file) };
}

/** Writes a plan; each file atomically, owner and mode kept, secrets 0600. */
export async function applyRed(paths: IpfirePaths, plan: RedPlan): Promise<void> {
  await writeAtomic(paths.ethernetSettings, plan.ethernet);
  if (plan.pppLink !== null) await linkAtomic(paths.profile(plan.pppLink), paths.pppSettings);
  if (plan.secrets !== null) {
    const old = await fileMeta(paths.secrets);
    const owner = old ?? (await fileMeta(paths.pppSettings));
    await writeAtomic(paths.secrets, plan.secrets, { mode: SECRETS_MODE, owner });
  }
}

/** Puts files back as they were read. */
export async function restoreRed(paths: IpfirePaths, files: RedFiles): Promise<void> {
  if (files.ethernet !== null) await writeAtomic(paths.ethernetSettings, files.ethernet);
  if (files.pppLink !== null) await linkAtomic(paths.profile(files.pppLink), paths.pppSettings);
  else if (files.pppSettings !== null) await writeAtomic(paths.pppSettings, files.pppSettings);
  if (files.secrets !== null) await writeAtomic(paths.secrets, files.secrets, { mode: SECRETS_MODE });
}

/** True when the files configure RED for `profile`. */
export async function filesMatch(paths: IpfirePaths, files: RedFiles, profile: ManagedProfile): Promise<boolean> {
  if (files.ethernet === null) return false;
  const doc = ReadhashDocument.parse(files.ethernet);
  if (doc.shellValue('RED_TYPE') !== profile.redType) return false;
  for (const [k, v] of Object.entries(profile.ethernet)) if (doc.shellValue(k) !== v) return false;
  if (profile.ppp === null) return true;
  if (files.pppLink !== null) return files.pppLink === profile.ppp;
  // A copy (connectd's `cp`) counts when its content is the profile's.
  return files.pppSettings !== null && files.pppSettings === (await readText(paths.profile(profile.ppp)));
}
