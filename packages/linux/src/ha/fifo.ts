/**
 * Reading keepalived's notify FIFO. keepalived opens the FIFO read-write and
 * non-blocking, so its lines wait in the pipe while no reader is there (an
 * agent that starts after keepalived, or restarts, finds them); wanwatch
 * opens it read-write too, so it never sees an end of file when keepalived
 * stops or restarts. keepalived removes a FIFO it created when it stops and
 * makes a new one when it starts: {@link FifoLineSource.check} notices the
 * new inode and reopens.
 */
import { constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { Socket } from 'node:net';
import { WanwatchError } from '@wanwatch/core';
import type { CommandRunner } from '@wanwatch/exec';

/** Where notify lines come from (replaceable in tests). */
export interface NotifyLineSource {
  /** Opens the source; resolves with the lines already waiting in it. */
  open(): Promise<string[]>;
  /** `listener` receives every later line. */
  onLine(listener: (line: string) => void): void;
  /** Reopens when the FIFO was replaced (keepalived restarted). Never throws. */
  check(): Promise<void>;
  close(): void;
}

const MAX_BACKLOG_READS = 16;

/** The FIFO at `path`, created (mode 0600) with `mkfifo` when missing. */
export class FifoLineSource implements NotifyLineSource {
  private socket: Socket | null = null;
  private inode: number | null = null;
  private carry = '';
  private listener: (line: string) => void = () => undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly runner: CommandRunner,
    private readonly warn: (message: string) => void,
  ) {}

  async open(): Promise<string[]> {
    const kind = this.kind();
    if (kind === 'missing') await this.runner.run(['mkfifo', '-m', '0600', this.path]);
    else if (kind === 'other')
      throw new WanwatchError('E_CONFIG', `${this.path} exists and is not a FIFO (keepalived's notify_fifo)`, {
        file: this.path,
      });
    return this.attach();
  }

  onLine(listener: (line: string) => void): void {
    this.listener = listener;
  }

  async check(): Promise<void> {
    if (this.closed) return;
    try {
      const st = lstatSync(this.path, { throwIfNoEntry: false });
      // Missing: keepalived stopped and removed the FIFO it had made; it makes a new one when it starts.
      if (!st || !st.isFIFO() || st.ino === this.inode) return;
      this.detach();
      for (const line of this.attach()) this.listener(line);
    } catch (err) {
      this.warn(
        `wanwatch keepalived: reopening ${this.path} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  close(): void {
    this.closed = true;
    this.detach();
  }

  private kind(): 'fifo' | 'missing' | 'other' {
    const st = lstatSync(this.path, { throwIfNoEntry: false });
    return !st ? 'missing' : st.isFIFO() ? 'fifo' : 'other';
  }

  /** Opens the FIFO, reads what is waiting in it, then streams the rest. */
  private attach(): string[] {
    const fd = openSync(this.path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    this.inode = fstatSync(fd).ino;
    const buffer = Buffer.alloc(65_536);
    let waiting = '';
    for (let k = 0; k < MAX_BACKLOG_READS; k++) {
      let n: number;
      try {
        n = readSync(fd, buffer);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw err;
      }
      if (n <= 0) break;
      waiting += buffer.subarray(0, n).toString('utf8');
    }
    const socket = new Socket({ fd, readable: true, writable: false });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      for (const line of this.split(chunk)) this.listener(line);
    });
    socket.on('error', (err) => this.warn(`wanwatch keepalived: reading ${this.path}: ${err.message}`));
    this.socket = socket;
    this.carry = '';
    return this.split(waiting);
  }

  private detach(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private split(chunk: string): string[] {
    const parts = (this.carry + chunk).split('\n');
    this.carry = parts.pop() ?? '';
    return parts.filter((l) => l.trim() !== '');
  }
}
