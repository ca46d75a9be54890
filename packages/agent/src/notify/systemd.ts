/**
 * systemd's readiness protocol (sd_notify) for `Type=notify` units.
 *
 * The protocol is a datagram on the unix socket named by `NOTIFY_SOCKET`.
 * Node has no unix datagram sockets (only streams), and the packages that
 * add them are native addons; so the agent runs systemd's own
 * `systemd-notify` (through execa, argument array, time limit). Since
 * systemd 246 it waits until the manager has processed the message (a
 * barrier), so the message is never lost because the short-lived sender
 * exited first; the sender is a child of the agent, so the unit needs
 * `NotifyAccess=all` (examples/linux/wanwatch.service has it).
 *
 * Without `NOTIFY_SOCKET` every call does nothing.
 */
import { execa } from 'execa';

export interface SystemdNotifierOptions {
  /** The environment to read `NOTIFY_SOCKET` from. Default: the process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default `systemd-notify` (found on PATH). */
  readonly command?: string;
  /** Time limit of one notification. Default 10 s. */
  readonly timeoutMs?: number;
  /** Where a failed notification is reported (once per kind of failure). */
  readonly warn?: (message: string) => void;
}

/**
 * @example
 * ```ts
 * const systemd = new SystemdNotifier({ warn: (m) => log.warn(m) });
 * await systemd.notify({ READY: '1', STATUS: 'active uplink fiber' });
 * ```
 */
export class SystemdNotifier {
  /** The socket systemd named, null when not started by systemd as Type=notify. */
  readonly socket: string | null;
  private readonly warned = new Set<string>();

  constructor(private readonly options: SystemdNotifierOptions = {}) {
    const value = (options.env ?? process.env).NOTIFY_SOCKET;
    this.socket = value === undefined || value === '' ? null : value;
  }

  /** Sends `KEY=VALUE` fields (`READY=1`, `STOPPING=1`, `STATUS=…`). Never rejects; false when it could not. */
  async notify(fields: Readonly<Record<string, string>>): Promise<boolean> {
    if (this.socket === null) return false;
    const command = this.options.command ?? 'systemd-notify';
    const args = Object.entries(fields).map(([k, v]) => `${k}=${v.replace(/\n/g, ' ')}`);
    try {
      await execa(command, args, {
        env: { NOTIFY_SOCKET: this.socket },
        timeout: this.options.timeoutMs ?? 10_000,
        stdin: 'ignore',
      });
      return true;
    } catch (err) {
      const e = err as { code?: string; stderr?: string; shortMessage?: string };
      const why =
        e.code === 'ENOENT'
          ? `${command} is not installed (systemd's package has it); systemd will not learn that wanwatch is ready`
          : `${command} ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.shortMessage || String(err)}`;
      const kind = e.code ?? 'failed';
      if (!this.warned.has(kind)) this.options.warn?.(`NOTIFY_SOCKET is set but ${why}`);
      this.warned.add(kind);
      return false;
    }
  }
}
