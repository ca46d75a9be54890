/**
 * Writing IPFire's files so that a reader (or a crash) never sees half a
 * file: a temporary file in the same directory, written, synced, given the
 * old file's owner and mode, then renamed over it. Texts are latin1 strings
 * (one char per byte) so that bytes wanwatch does not touch stay as they are.
 *
 * A rename gives the file a new inode, which breaks IPFire's hard link
 * between `ppp/settings` and `ppp/settings-N`; {@link linkAtomic} restores
 * it the way the web interface makes it (a link to the profile), but
 * atomically (link to a temporary name, rename over `settings`).
 */
import { link, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { atomicTempName, removeAtomicTemps, syncDirectory, writeFileAtomic } from '@wanwatch/core';

/** Owner, mode and inode of a file. */
export interface FileMeta {
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly ino: number;
  readonly dev: number;
}

/** The file's owner, mode and inode, or null when it does not exist. */
export async function fileMeta(path: string): Promise<FileMeta | null> {
  try {
    const s = await stat(path);
    return { mode: s.mode & 0o7777, uid: s.uid, gid: s.gid, ino: s.ino, dev: s.dev };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The file as a latin1 string, or null when it does not exist. */
export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** True when both paths are the same inode (a hard link). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([fileMeta(a), fileMeta(b)]);
  return x !== null && y !== null && x.ino === y.ino && x.dev === y.dev;
}

/** Removes temporary files a killed writer left in `dir` (they never replaced anything). Returns their names. */
export const removeStaleTemps = removeAtomicTemps;

/** Options of {@link writeAtomic}. */
export interface WriteOptions {
  /** Mode of the new file. Default: the old file's, else 0644. */
  readonly mode?: number;
  /** Owner of the new file. Default: the old file's (when it exists). */
  readonly owner?: { readonly uid: number; readonly gid: number } | null;
}

/**
 * Replaces `path` with `text` atomically, keeping the old file's owner and
 * mode unless told otherwise.
 *
 * @example
 * ```ts
 * await writeAtomic('/var/ipfire/ppp/secrets', "'user' * 'pass'\n", { mode: 0o600 });
 * ```
 */
export async function writeAtomic(path: string, text: string, options: WriteOptions = {}): Promise<void> {
  const old = await fileMeta(path);
  const mode = options.mode ?? old?.mode ?? 0o644;
  const owner = options.owner === undefined ? old : options.owner;
  await writeFileAtomic(path, Buffer.from(text, 'latin1'), { mode, owner });
}

/** Makes `path` a hard link to `target`, atomically (the old `path` is replaced). */
export async function linkAtomic(target: string, path: string): Promise<void> {
  // rename(2) of two links to one inode does nothing (and would leave the temporary name behind).
  if (await sameFile(target, path)) return;
  const tmp = atomicTempName(path);
  await link(target, tmp);
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}
