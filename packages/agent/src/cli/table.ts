/**
 * The command table: every command's arguments, options and help text in
 * one place. `wanwatch help`, each command's `--help`, the argument checks,
 * the shell completions and the man page are all made from it
 * (cli/help.ts, cli/docs.ts).
 *
 * What runs a command is in cli/handlers.ts, imported only when that
 * command runs, so a one-shot command does not load the daemon, the
 * adapters or the HTTP API (and the commands that print this table's help
 * can import it without a circle).
 */
import type { OptionName } from './args.js';

/** What completes an argument in the shell. */
export type Completion = 'uplink' | 'command' | 'shell' | 'none';

export interface CommandSpec {
  readonly name: string;
  readonly group: 'daemon' | 'control' | 'other';
  /** Positional arguments as shown (`UPLINK`, `[UPLINK]`), and how many. */
  readonly args: { readonly names: string; readonly min: number; readonly max: number; readonly complete: Completion };
  readonly options: readonly OptionName[];
  /** One line. */
  readonly summary: string;
  /** Paragraphs for `wanwatch help COMMAND` and the man page. */
  readonly description: readonly string[];
  readonly examples?: readonly string[];
  /** Left out of help, completion and the man page (the completion scripts' own helper). */
  readonly hidden?: boolean;
}

/** An option as help shows it. */
export interface OptionSpec {
  readonly flag: string;
  readonly value?: string;
  readonly text: string;
  /** Completes a file name. */
  readonly file?: boolean;
}

export const OPTION_HELP: Readonly<Record<OptionName, OptionSpec>> = {
  config: {
    flag: '-c, --config',
    value: 'FILE',
    text: 'the config file (default /etc/wanwatch/wanwatch.yaml); control commands read its control.socket and state',
    file: true,
  },
  socket: {
    flag: '-s, --socket',
    value: 'PATH',
    text: "the agent's control socket (default: the config's control.socket, else /run/wanwatch.sock)",
    file: true,
  },
  json: {
    flag: '--json',
    text: 'print JSON on stdout, errors included ({"ok":false,"error":{code,message,exitCode}})',
  },
  to: { flag: '--to', value: 'UPLINK', text: 'the uplink (the same as giving it as the argument)' },
  since: { flag: '--since', value: 'WHEN', text: 'a duration back from now (24h, 15m) or a date (2026-11-21T08:00)' },
  limit: { flag: '--limit', value: 'N', text: 'at most N entries, the newest' },
  help: { flag: '-h, --help', text: 'this help' },
  version: { flag: '-V, --version', text: 'the version' },
};

const CONTROL: readonly OptionName[] = ['config', 'socket', 'json'];

export const COMMAND_TABLE: readonly CommandSpec[] = [
  {
    name: 'run',
    group: 'daemon',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: ['config'],
    summary: 'run the agent (SIGHUP reloads, SIGTERM stops)',
    description: [
      'Runs the daemon: validates the config, checks that it may change routing (the linux platform needs CAP_NET_ADMIN and CAP_NET_RAW; ipfire and opnsense need root), opens the control socket and starts the engine, which adopts the uplink the platform reports active.',
      'SIGHUP reloads the config (a refused file is logged and the running config stays); SIGTERM or SIGINT stop it with exit 0 and leave routing as it is. Under systemd (NOTIFY_SOCKET set, Type=notify) it reports READY=1 once the engine runs and STOPPING=1 when it stops, through systemd-notify.',
    ],
    examples: ['wanwatch run -c /etc/wanwatch/wanwatch.yaml'],
  },
  {
    name: 'check-config',
    group: 'daemon',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: ['config', 'json'],
    summary: 'validate a config and print it with every default',
    description: [
      'Validates the file as `run` would and prints it with every default filled in, plus each uplink’s probe targets after expansion. Every problem is one file:line:col: path: message line on stderr, and the exit code is 2.',
      'With --json: {file, config, uplinks, settings}, the engine’s resolved settings included.',
    ],
    examples: ['wanwatch check-config -c /etc/wanwatch/wanwatch.yaml'],
  },
  {
    name: 'status',
    group: 'control',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: CONTROL,
    summary: 'uplinks: state, RTT, loss, jitter, penalty, active, pending failback',
    description: [
      'Per uplink: state, priority, whether it is active, RTT, loss, jitter, flap penalty and notes (held, forbidden, suppressed, backed off, broken, no carrier); the active uplink and for how long; a pending failback with its time left; a trial in progress.',
    ],
    examples: ['wanwatch status', "wanwatch status --json | jq -r '.active'"],
  },
  {
    name: 'failover',
    group: 'control',
    args: { names: 'UPLINK', min: 0, max: 1, complete: 'uplink' },
    options: [...CONTROL, 'to'],
    summary: 'switch to UPLINK now',
    description: [
      'Switches to UPLINK now (`--to UPLINK` says the same). With failback `auto` the engine returns to the preferred uplink after the failback delay; `hold` keeps UPLINK.',
    ],
    examples: ['wanwatch failover lte'],
  },
  {
    name: 'failback',
    group: 'control',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: CONTROL,
    summary: 'return to the best better uplink now',
    description: [
      'Returns now to the best uplink better than the active one, whatever the failback mode, delay, window and dampening; an uplink backed off after a failed switch is not tried before its back-off ends (`failover UPLINK` forces it).',
    ],
  },
  {
    name: 'hold',
    group: 'control',
    args: { names: 'UPLINK', min: 0, max: 1, complete: 'uplink' },
    options: [...CONTROL, 'to'],
    summary: 'prefer UPLINK above every priority until released',
    description: [
      'Prefers UPLINK above every priority until it is released, and switches to it now if it is usable. A held uplink that goes down is still left.',
    ],
    examples: ['wanwatch hold lte', 'wanwatch release lte'],
  },
  {
    name: 'forbid',
    group: 'control',
    args: { names: 'UPLINK', min: 0, max: 1, complete: 'uplink' },
    options: [...CONTROL, 'to'],
    summary: 'never use UPLINK until released',
    description: ['Never uses UPLINK until it is released; leaves it now if another uplink is usable.'],
    examples: ['wanwatch forbid lte'],
  },
  {
    name: 'release',
    group: 'control',
    args: { names: '[UPLINK]', min: 0, max: 1, complete: 'uplink' },
    options: [...CONTROL, 'to'],
    summary: "release UPLINK's hold or forbid, or every one",
    description: ['Releases the hold or the forbid of UPLINK, or of every uplink when none is named.'],
  },
  {
    name: 'history',
    group: 'control',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: [...CONTROL, 'since', 'limit'],
    summary: 'what happened: switches, state changes, holds, warnings',
    description: [
      'Switches, state changes, holds, warnings, starts and stops, oldest first. When no agent runs it reads history.jsonl and its rotated files from the state directory (the files the agent and the HTTP API read) and says so on stderr.',
    ],
    examples: ['wanwatch history --since 24h', 'wanwatch history --limit 20 --json'],
  },
  {
    name: 'reload',
    group: 'control',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: CONTROL,
    summary: 'reload the config (as SIGHUP does)',
    description: [
      'Reloads the config as SIGHUP does, but reports a refused config on stderr, one line per problem, with exit code 2. A reload never switches.',
    ],
  },
  {
    name: 'demo',
    group: 'other',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: [],
    summary: 'the engine on simulated uplinks, in virtual time',
    description: [
      'The real engine driving two simulated uplinks through loss, an outage and a failback, in virtual time: four and a half minutes of events in about a second, no network, no root.',
    ],
  },
  {
    name: 'version',
    group: 'other',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: ['json'],
    summary: 'print the version',
    description: ['Prints `wanwatch VERSION` (with --json: {"version","node"}).'],
  },
  {
    name: 'help',
    group: 'other',
    args: { names: '[COMMAND]', min: 0, max: 1, complete: 'command' },
    options: [],
    summary: 'the commands, or one command in full',
    description: ['Lists the commands, or describes COMMAND: its arguments, options and examples.'],
  },
  {
    name: 'completion',
    group: 'other',
    args: { names: 'bash|zsh', min: 1, max: 1, complete: 'shell' },
    options: [],
    summary: 'print the shell completion script',
    description: [
      'Prints the completion script for bash or zsh (commands, options, config files, and the uplinks of the config for the commands that take one).',
    ],
    examples: [
      'wanwatch completion bash > /etc/bash_completion.d/wanwatch',
      'wanwatch completion zsh > /usr/local/share/zsh/site-functions/_wanwatch',
    ],
  },
  {
    name: 'man',
    group: 'other',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: [],
    summary: 'print the man page (roff)',
    description: ['Prints this manual as a roff man page: `wanwatch man | man -l -`.'],
  },
  {
    name: '__uplinks',
    group: 'other',
    args: { names: '', min: 0, max: 0, complete: 'none' },
    options: ['config'],
    summary: "the config's uplink names, one a line, for the completion scripts",
    description: [],
    hidden: true,
  },
];

/** The command named `name`, if any. */
export const commandNamed = (name: string): CommandSpec | undefined => COMMAND_TABLE.find((c) => c.name === name);
