/** `wanwatch run`: the daemon in the foreground, until SIGTERM or SIGINT. */
import { loadConfig } from '../../config/load.js';
import { AGENT_DEFAULTS } from '../../config/schema.js';
import { ControlError } from '../../control/protocol.js';
import { Daemon } from '../../daemon.js';
import { SystemdNotifier } from '../../notify/systemd.js';
import { CliError, EXIT, type Parsed } from '../args.js';
import { note } from '../output.js';
import { privilegeProblem } from '../privileges.js';

export async function run(p: Parsed): Promise<number> {
  const file = typeof p.values.config === 'string' ? p.values.config : AGENT_DEFAULTS.configFile;
  // Refuse at once what cannot work: a bad config (ConfigFileError, exit 2) or missing privileges (exit 2).
  const problem = privilegeProblem(loadConfig(file).platform);
  if (problem !== null) throw new CliError(`cannot run: ${problem}`, EXIT.config, 'E_PRIVILEGES');
  // Signals are caught from the first moment: a SIGHUP during start-up must not kill the agent.
  let daemon: Daemon | null = null;
  let pendingReload = false;
  let stopSignal: string | null = null;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));
  const systemd = new SystemdNotifier({ warn: (m) => (daemon ? daemon.log.warn(m) : note(m)) });
  const stop = (signal: string) => {
    if (stopSignal !== null) return;
    stopSignal = signal;
    if (!daemon) return; // handled once start-up ends
    daemon.log.notice(`${signal} received`);
    const d = daemon;
    // Both before the exit: it would end systemd-notify too (execa cleans up its children).
    Promise.all([systemd.notify({ STOPPING: '1' }), d.stop()]).then(
      () => d.closeLog().then(() => finish(EXIT.ok)),
      (err: unknown) => {
        note(`stopping failed: ${(err as Error).message}`);
        finish(EXIT.failed);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => {
    if (daemon) void daemon.reload().catch(() => undefined);
    else pendingReload = true;
  });
  try {
    daemon = await Daemon.start(file, { stream: process.stdout });
  } catch (err) {
    if (err instanceof ControlError) throw new CliError(err.message, EXIT.failed, err.code);
    throw err;
  }
  const active = daemon.engine()?.status().active ?? null;
  await systemd.notify({ READY: '1', STATUS: `running; active uplink ${active ?? 'none'}` });
  const signal = stopSignal as string | null;
  if (signal !== null) {
    stopSignal = null;
    stop(signal);
  } else if (pendingReload) void daemon.reload().catch(() => undefined);
  return done;
}
