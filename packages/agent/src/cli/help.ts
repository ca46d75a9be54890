/** `wanwatch help` and `wanwatch COMMAND --help`, made from the command table. */
import { EXIT_CODES, type OptionName } from './args.js';
import { COMMAND_TABLE, OPTION_HELP, type CommandSpec } from './table.js';

const GROUPS: readonly (readonly [CommandSpec['group'], string])[] = [
  ['daemon', 'daemon'],
  ['control', 'control (talk to the running agent; -s SOCKET or -c FILE picks the socket)'],
  ['other', 'other'],
];

/** Only the commands a person types (the completion scripts' helper is left out). */
export const visibleCommands = (): readonly CommandSpec[] => COMMAND_TABLE.filter((c) => !c.hidden);

/** `[-c FILE] [--json]` for a command's options. */
export function optionSynopsis(options: readonly OptionName[]): string {
  return options
    .filter((o) => o !== 'help')
    .map((o) => {
      const spec = OPTION_HELP[o];
      const flag = spec.flag.split(', ')[0]!;
      return `[${flag}${spec.value ? ` ${spec.value}` : ''}]`;
    })
    .join(' ');
}

/** `failover UPLINK [-c FILE] …` */
export function synopsis(c: CommandSpec): string {
  return [c.name, c.args.names, optionSynopsis(c.options)].filter(Boolean).join(' ');
}

/** Wraps `text` at `width` columns with `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function optionLines(options: readonly OptionName[]): string[] {
  const rows = options.map((o) => {
    const s = OPTION_HELP[o];
    return [`${s.flag}${s.value ? ` ${s.value}` : ''}`, s.text] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.flatMap(([flag, text]) => {
    const [first, ...rest] = wrap(text, 100 - width - 4);
    return [`  ${flag.padEnd(width)}  ${first ?? ''}`, ...rest.map((l) => `  ${''.padEnd(width)}  ${l}`)];
  });
}

/** The overview: every command by group, the common options, the exit codes. */
export function overview(): string {
  const lines = ['usage: wanwatch COMMAND [ARGS] [OPTIONS]', ''];
  const width = Math.max(...visibleCommands().map((c) => `${c.name} ${c.args.names}`.length));
  for (const [group, title] of GROUPS) {
    lines.push(title);
    for (const c of visibleCommands().filter((x) => x.group === group))
      lines.push(`  ${`${c.name} ${c.args.names}`.trimEnd().padEnd(width)}  ${c.summary}`);
    lines.push('');
  }
  lines.push('options', ...optionLines(['config', 'socket', 'json', 'help', 'version']), '');
  lines.push('exit codes');
  for (const [code, meaning] of EXIT_CODES) lines.push(`  ${String(code).padStart(2)}  ${meaning.split(':')[0]}`);
  lines.push(
    '',
    'wanwatch help COMMAND (or wanwatch COMMAND --help) describes one command; wanwatch man prints the manual.',
  );
  return lines.join('\n');
}

/** One command in full. */
export function commandHelp(c: CommandSpec): string {
  const lines = [`usage: wanwatch ${synopsis(c)}`, '', ...wrap(c.summary, 100)];
  for (const paragraph of c.description) lines.push('', ...wrap(paragraph, 100));
  if (c.options.length > 0) lines.push('', 'options', ...optionLines([...c.options, 'help']));
  if (c.examples?.length) lines.push('', 'examples', ...c.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}
