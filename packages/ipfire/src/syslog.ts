/**
 * Lines for IPFire's log viewer. It shows syslog lines by tag (logs.cgi:
 * the RED section matches `red:`, pppd, dhcpcd…; a `wanwatch:` tag would be
 * in no section), so switches are logged with `logger -t red` as
 * `red: wanwatch: …`. syslogd is started without a Unix-socket-free path
 * Node could use, hence the `logger` program (util-linux, in IPFire's core).
 */
import { execa } from 'execa';

/** Sends lines to syslog through `logger`. Failures are reported once, never thrown. */
export class Syslog {
  private warned = false;

  constructor(
    private readonly command: string,
    private readonly tag: string,
    private readonly onError?: (message: string) => void,
  ) {}

  /** Logs `message` at `priority` (a syslog facility.level). */
  async log(
    message: string,
    priority: 'daemon.notice' | 'daemon.warning' | 'daemon.err' = 'daemon.notice',
  ): Promise<void> {
    const result = await execa(this.command, ['-t', this.tag, '-p', priority, '--', `wanwatch: ${message}`], {
      timeout: 3000,
      reject: false,
      stdin: 'ignore',
    });
    if (result.failed && !this.warned) {
      this.warned = true;
      this.onError?.(
        `syslog through ${this.command} failed (${result.shortMessage}); IPFire's log viewer will not show wanwatch`,
      );
    }
  }
}
