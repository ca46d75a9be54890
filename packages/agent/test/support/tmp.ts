import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private temporary directory (mode 0700) under os.tmpdir(), removed by `remove()`. */
export class TempDir {
  readonly path: string;

  constructor(prefix = 'wanwatch-agent-') {
    this.path = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(this.path, 0o700);
  }

  file(name: string, text: string, mode = 0o644): string {
    const path = join(this.path, name);
    writeFileSync(path, text, { mode });
    chmodSync(path, mode);
    return path;
  }

  join(...parts: string[]): string {
    return join(this.path, ...parts);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
