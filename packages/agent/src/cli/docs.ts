/**
 * The man page and the bash and zsh completion scripts, made from the
 * command table (cli/table.ts), so they never disagree with the CLI.
 * `wanwatch man` and `wanwatch completion bash|zsh` print them; the package
 * ships them as `man/wanwatch.1` and `completion/` (scripts/cli-docs.js
 * writes those, and a test checks they are current).
 */
import { EXIT_CODES, OPTIONS, type OptionName } from './args.js';
import { synopsis, visibleCommands } from './help.js';
import { OPTION_HELP, type CommandSpec } from './table.js';

/** Names of an option as typed: `-c`, `--config`. */
const flagsOf = (o: OptionName): string[] => OPTION_HELP[o].flag.split(', ');
const takesValue = (o: OptionName): boolean => OPTIONS[o].type === 'string';
const withHelp = (c: CommandSpec): OptionName[] => [...c.options, 'help'];

// ---- man page --------------------------------------------------------------

/** Text for roff: backslashes and hyphens escaped, `code` in bold, plain ASCII (other characters as roff escapes). */
function roff(text: string): string {
  return text
    .replace(/[’‘]/g, "'")
    .replace(/…/g, '...')
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/`([^`]+)`/g, '\\fB$1\\fR')
    .replace(/^([.'])/gm, '\\&$1')
    .replace(/[^ -~\n\t]/g, (c) => `\\[u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

const FILES: readonly (readonly [string, string])[] = [
  ['/etc/wanwatch/wanwatch.yaml', 'the config (default for -c)'],
  ['/run/wanwatch.sock', 'the control socket (root-only; the example unit uses /run/wanwatch/wanwatch.sock)'],
  ['/var/lib/wanwatch/', 'state.json, history.jsonl (rotated) and samples.jsonl (the status page’s charts)'],
  ['/etc/wanwatch/token', 'the HTTP API’s bearer token (mode 0600)'],
];

/** The man page, wanwatch(1), as roff (the shipped file names no version, so it stays current across releases). */
export function manPage(version?: string): string {
  const out: string[] = [
    `.TH WANWATCH 1 "" "wanwatch${version ? ` ${version}` : ''}" "wanwatch manual"`,
    '.SH NAME',
    'wanwatch \\- priority\\-based WAN failover for firewalls and routers',
    '.SH SYNOPSIS',
    '.B wanwatch',
    '.I command',
    '.RI [ arguments ]',
    '.RI [ options ]',
    '.SH DESCRIPTION',
    roff(
      'wanwatch keeps exactly one uplink active, measures every uplink all the time, fails over to the best healthy uplink by priority within about a second, and fails back only after the preferred uplink has proven itself. `wanwatch run` is the daemon; the control commands talk to it through its control socket.',
    ),
    '.SH COMMANDS',
  ];
  for (const c of visibleCommands()) {
    out.push('.TP', `.B ${roff(synopsis(c))}`, roff(c.summary[0]!.toUpperCase() + c.summary.slice(1) + '.'));
    for (const p of c.description) out.push('.IP', roff(p));
    for (const e of c.examples ?? []) out.push('.IP', `.B ${roff(e)}`);
  }
  out.push('.SH OPTIONS');
  for (const o of Object.keys(OPTION_HELP) as OptionName[]) {
    const s = OPTION_HELP[o];
    out.push('.TP', `.BR ${roff(s.flag)}${s.value ? ` " " \\fI${s.value}\\fR` : ''}`, roff(s.text));
  }
  out.push('.SH EXIT STATUS');
  for (const [code, meaning] of EXIT_CODES) out.push('.TP', `.B ${code}`, roff(meaning));
  out.push(
    '.SH ENVIRONMENT',
    '.TP',
    '.B NOTIFY_SOCKET',
    roff(
      'Set by systemd for Type=notify units: `run` reports READY=1 and STOPPING=1 through systemd-notify (NotifyAccess=all).',
    ),
    '.TP',
    '.B JOURNAL_STREAM',
    roff('Set by systemd: log lines carry their syslog priority (<4>) instead of a time stamp.'),
    '.SH FILES',
  );
  for (const [file, what] of FILES) out.push('.TP', `.I ${roff(file)}`, roff(what));
  out.push(
    '.SH SEE ALSO',
    '.BR systemctl (1),',
    '.BR journalctl (1),',
    '.BR ip (8),',
    '.BR keepalived (8)',
    '.PP',
    roff('The configuration reference is the README of @wanwatch/agent.'),
  );
  return `${out.join('\n')}\n`;
}

// ---- bash ------------------------------------------------------------------

/** The bash completion script (`complete -F _wanwatch wanwatch`). */
export function bashCompletion(): string {
  const commands = visibleCommands();
  const valued = (Object.keys(OPTIONS) as OptionName[]).filter(takesValue).flatMap(flagsOf);
  const cases = commands.map(
    (c) => `    ${c.name}) opts="${withHelp(c).flatMap(flagsOf).join(' ')}"; what=${c.args.complete} ;;`,
  );
  return `# bash completion for wanwatch (made by \`wanwatch completion bash\` from its command table)
# install: wanwatch completion bash > /etc/bash_completion.d/wanwatch

_wanwatch_uplinks() {
  local cfg="" i
  for ((i = 1; i < \${#COMP_WORDS[@]} - 1; i++)); do
    case "\${COMP_WORDS[i]}" in -c | --config) cfg="\${COMP_WORDS[i + 1]}" ;; esac
  done
  wanwatch __uplinks \${cfg:+-c "$cfg"} 2>/dev/null
}

_wanwatch() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD - 1]}"
  local commands="${commands.map((c) => c.name).join(' ')}"
  local cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${valued.join(' | ')}) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
    -c | --config | -s | --socket) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --to) mapfile -t COMPREPLY < <(compgen -W "$(_wanwatch_uplinks)" -- "$cur"); return ;;
    --since | --limit) return ;;
  esac
  if [[ -z "$cmd" ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$commands -h --help -V --version" -- "$cur")
    return
  fi
  local opts="" what=none
  case "$cmd" in
${cases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    return
  fi
  case "$what" in
    uplink) mapfile -t COMPREPLY < <(compgen -W "$(_wanwatch_uplinks)" -- "$cur") ;;
    command) mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur") ;;
    shell) mapfile -t COMPREPLY < <(compgen -W "bash zsh" -- "$cur") ;;
  esac
}

complete -F _wanwatch wanwatch
`;
}

// ---- zsh -------------------------------------------------------------------

/** Text inside a zsh `_arguments` description: no brackets, colons or quotes. */
const zshText = (text: string): string =>
  text
    .split(/[;(]/)[0]!
    .replace(/[[\]:'`]/g, '')
    .trim();

function zshOption(o: OptionName): string {
  const s = OPTION_HELP[o];
  const flags = flagsOf(o);
  const value = takesValue(o)
    ? `:${s.value!.toLowerCase()}:${s.file ? '_files' : o === 'to' ? '_wanwatch_uplinks' : ' '}`
    : '';
  const exclusive = flags.length > 1 ? `(${flags.join(' ')})` : '';
  const names = flags.length > 1 ? `{${flags.join(',')}}` : flags[0]!;
  return `'${exclusive}'${names}'[${zshText(s.text)}]${value}'`;
}

function zshArgument(c: CommandSpec): string[] {
  const optional = c.args.min === 0 ? ':' : '';
  switch (c.args.complete) {
    case 'uplink':
      return [`'1${optional}:uplink:_wanwatch_uplinks'`];
    case 'command':
      return [
        `'1${optional}:command:(${visibleCommands()
          .map((x) => x.name)
          .join(' ')})'`,
      ];
    case 'shell':
      return [`'1:shell:(bash zsh)'`];
    case 'none':
      return [];
  }
}

/** The zsh completion script (`#compdef wanwatch`). */
export function zshCompletion(): string {
  const commands = visibleCommands();
  const valued = (Object.keys(OPTIONS) as OptionName[]).filter(takesValue).flatMap(flagsOf);
  const described = commands.map((c) => `    '${c.name}:${zshText(c.summary)}'`);
  const cases = commands.map((c) => {
    const specs = [...withHelp(c).map(zshOption), ...zshArgument(c)];
    return `    ${c.name})\n      _arguments -s \\\n        ${specs.join(' \\\n        ')}\n      ;;`;
  });
  return `#compdef wanwatch
# zsh completion for wanwatch (made by \`wanwatch completion zsh\` from its command table)
# install: wanwatch completion zsh > "\${fpath[1]}/_wanwatch"

# The uplinks of the config named on the line (-c), else of the default config.
_wanwatch_uplinks() {
  local -a names config
  [[ -n $_wanwatch_config ]] && config=(-c \${~_wanwatch_config})
  names=(\${(f)"$(wanwatch __uplinks $config 2>/dev/null)"})
  _describe -t uplinks uplink names
}

_wanwatch() {
  local -a commands
  commands=(
${described.join('\n')}
  )
  local _wanwatch_config="" cmd="" i at=0
  for ((i = 2; i < \${#words}; i++)); do
    case \${words[i]} in -c | --config) _wanwatch_config=\${words[i + 1]} ;; esac
  done
  for ((i = 2; i < CURRENT; i++)); do
    case \${words[i]} in
      ${valued.join(' | ')}) (( i++ )) ;;
      -*) ;;
      *) cmd=\${words[i]}; at=$i; break ;;
    esac
  done
  if [[ -z $cmd ]]; then
    case \${words[CURRENT - 1]} in
      -c | --config | -s | --socket) _files; return ;;
    esac
    if [[ \${words[CURRENT]} == -* ]]; then
      _arguments ${['config', 'socket', 'help', 'version'].map((o) => zshOption(o as OptionName)).join(' ')}
    else
      _describe -t commands command commands
    fi
    return
  fi
  words=("\${(@)words[at,-1]}")
  (( CURRENT -= at - 1 ))
  case $cmd in
${cases.join('\n')}
  esac
}

_wanwatch "$@"
`;
}
