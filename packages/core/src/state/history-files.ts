/**
 * History as JSON lines with size-based rotation, like logrotate's `size`
 * and `rotate` options: `history.jsonl` is the live file; when an append
 * would take it past `maxBytes`, it becomes `history.jsonl.1`, `.1` becomes
 * `.2` and so on, and the file past `files` is deleted. Readers go through
 * every file, oldest first, so a reader never has to know where a rotation
 * cut.
 *
 * Crash safety: each line is appended and fdatasynced; a torn last line
 * (crash mid-append) is skipped when reading and the next append starts a
 * fresh line. Each rename of a rotation is atomic; a crash between two of
 * them leaves a gap in the numbering, which readers skip.
 */
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { HistoryEntry } from '../interfaces/store.js';

/** How much history is kept on disk. */
export interface HistoryRotation {
  /** Size at which the live file is rotated (bytes). A single line larger than this still goes in whole. */
  readonly maxBytes: number;
  /** Rotated files kept besides the live one (0: the live file is cut and its old lines dropped). */
  readonly files: number;
}

/** 1 MiB × (1 live + 5 rotated): some 30,000 switches and state changes. */
export const DEFAULT_HISTORY_ROTATION: HistoryRotation = Object.freeze({ maxBytes: 1024 * 1024, files: 5 });

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses JSON lines, skipping blank and torn (unparsable or wrong-shaped) lines. */
export function parseHistoryLines(text: string): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isRecord(parsed) && typeof parsed.at === 'number' && typeof parsed.type === 'string')
        entries.push(parsed as unknown as HistoryEntry);
    } catch {
      // A torn line from a crash mid-append: skip it, keep the rest.
    }
  }
  return entries;
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The live history file and its rotated predecessors. Not safe for two
 * writers at once: the owner serialises appends (FileStateStore does).
 *
 * @example
 * ```ts
 * const files = new HistoryFiles('/var/lib/wanwatch', '/var/lib/wanwatch/history.jsonl', { maxBytes: 65536, files: 3 });
 * await files.append({ at: Date.now(), type: 'note', message: 'hello' });
 * const all = await files.read();
 * ```
 */
export class HistoryFiles {
  constructor(
    readonly dir: string,
    /** The live file. */
    readonly file: string,
    readonly rotation: HistoryRotation = DEFAULT_HISTORY_ROTATION,
  ) {}

  /** Every file, oldest first (rotated ones may be missing). */
  paths(): string[] {
    const rotated = Array.from({ length: this.rotation.files }, (_, i) => `${this.file}.${this.rotation.files - i}`);
    return [...rotated, this.file];
  }

  private async rotate(): Promise<void> {
    const n = this.rotation.files;
    await rm(`${this.file}.${n}`, { force: true });
    for (let i = n - 1; i >= 1; i--) {
      await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    if (n > 0) await rename(this.file, `${this.file}.1`);
    else await rm(this.file, { force: true });
    await syncDir(this.dir);
  }

  /** Appends one entry as one line, rotating first when the line would take the live file past `maxBytes`. */
  async append(entry: HistoryEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const line = `${JSON.stringify(entry)}\n`;
    const size = await stat(this.file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > 0 && size + Buffer.byteLength(line) > this.rotation.maxBytes) await this.rotate();
    const handle = await open(this.file, 'a+', 0o600);
    try {
      // After a crash mid-append the file may end in a torn line: start a fresh one.
      const { size: now } = await handle.stat();
      const last = Buffer.alloc(1);
      if (now > 0) await handle.read(last, 0, 1, now - 1);
      const lead = now > 0 && last[0] !== 0x0a ? '\n' : '';
      await handle.appendFile(`${lead}${line}`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  /** Every entry of every file, oldest first. Rejects only on errors other than a missing file. */
  async read(): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for (const path of this.paths()) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw Object.assign(err as Error, { path });
      }
      entries.push(...parseHistoryLines(text));
    }
    return entries;
  }
}
