/**
 * What runs each command of the table (cli/table.ts), imported only when the
 * command runs: a one-shot command loads neither the daemon, the adapters
 * nor the HTTP API.
 */
import type { Parsed } from './args.js';

/** Runs a command; resolves with the exit code. */
export type Handler = (p: Parsed) => Promise<number>;

const control = () => import('./commands/control.js');
const info = () => import('./commands/info.js');

/** Every command's loader, by name (a test holds it to the table). */
export const HANDLERS: Readonly<Record<string, () => Promise<Handler>>> = {
  run: async () => (await import('./commands/run.js')).run,
  'check-config': async () => (await import('./commands/check-config.js')).checkConfig,
  status: async () => (await control()).status,
  failover: async () => (await control()).failover,
  failback: async () => (await control()).failback,
  hold: async () => (await control()).hold,
  forbid: async () => (await control()).forbid,
  release: async () => (await control()).release,
  history: async () => (await control()).history,
  reload: async () => (await control()).reload,
  demo: async () => (await import('./commands/demo.js')).demo,
  version: async () => (await info()).version,
  help: async () => (await info()).help,
  completion: async () => (await info()).completion,
  man: async () => (await info()).man,
  __uplinks: async () => (await info()).uplinkNames,
};
