/**
 * @wanwatch/exec: the command runner of wanwatch's platform adapters.
 *
 * @packageDocumentation
 */
export {
  CommandError,
  ExecaRunner,
  showCommand,
  type CommandFailure,
  type CommandResult,
  type CommandRunner,
  type RunOptions,
  type RunnerSettings,
} from './runner.js';
