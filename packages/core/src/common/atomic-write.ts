/**
 * Replacing a file so that a reader, a crash or a power loss sees either
 * the old content or the new one, never a torn file: a temporary file in
 * the same directory is written and fsynced, given its owner and mode,
 * renamed over the old file, and the directory is fsynced so the rename
 * itself is durable. A failure at any step removes the temporary file and
 * rejects; the old file is then untouched.
 *
 * The state store (`state.json`), the IPFire adapter (IPFire's settings
 * files) and the OPNsense CARP syshook are written with it.
 */
import { randomBytes } from 'node:crypto';
import { chmod, chown, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Mode of the new file. Default 0600. */
  readonly mode?: number;
  /** Owner of the new file; default: whoever writes it. */
  readonly owner?: { readonly uid: number; readonly gid: number } | null;
}

/** Temporary names: hidden, in the target's directory, unique per process and write. */
const TEMP = /^\..+\.wanwatch-\d+-[0-9a-f]{8}$/;

/** The temporary name a write of `path` uses (same directory, so the rename is atomic). */
export function atomicTempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.wanwatch-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Removes the temporary files a killed writer left in `dir` (they never replaced anything); returns their names. */
export async function removeAtomicTemps(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => TEMP.test(n));
  for (const n of stale) await unlink(join(dir, n)).catch(() => undefined);
  return stale;
}

/** Fsyncs a directory, so that a rename or a new name in it survives a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` atomically and durably (see the module
 * description). Rejects with the first error; the old file stays as it was.
 *
 * @example
 * ```ts
 * await writeFileAtomic('/var/lib/wanwatch/state.json', JSON.stringify(state), { mode: 0o600 });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = atomicTempName(path);
  try {
    const handle = await open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const owner = options.owner ?? null;
    if (owner && (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.()))
      await chown(tmp, owner.uid, owner.gid);
    await chmod(tmp, options.mode ?? 0o600);
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dirname(path));
}
