/**
 * The status page's files, read from the package's `static/` directory (or
 * `dir`). The single-file bundle and the single executable replace this
 * module with one that carries the files inline (`scripts/bundle.js`), so
 * they serve the page with nothing beside them on disk.
 */
import { readFile } from 'node:fs/promises';

/** The bytes of one status-page file (`index.html`, `app.js`, `vendor/uPlot.iife.min.js`…). */
export async function readStatic(file: string, dir?: string): Promise<Buffer> {
  // Resolved on use: a CommonJS bundle has no import.meta.url, and never gets here.
  const base = dir === undefined ? new URL('../../static/', import.meta.url) : new URL(`file://${dir}/`);
  return readFile(new URL(file, base));
}
