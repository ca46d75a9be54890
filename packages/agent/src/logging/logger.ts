/**
 * The agent's logger (winston). Console lines are for people and for
 * journald/syslog:
 *
 * - `text` (default): `2026-11-21T08:00:00.000Z notice switched fiber → lte …`;
 *   colours only when the output is a terminal; under systemd (the
 *   `JOURNAL_STREAM` variable is set) each line starts with its syslog
 *   priority (`<5>`) instead of a time stamp, so journald records the level
 *   and stamps the time itself.
 * - `json`: one JSON object per line (`level`, `message`, `time` and the
 *   event's fields), for log shippers.
 *
 * Levels, most severe first: error, warn, notice, info, debug. `log.level`
 * can be notice, info or debug, so warnings, state changes and switches
 * (notice and above) are always logged.
 */
import type { Writable } from 'node:stream';
import winston from 'winston';
import type { LogLevel } from '../config/schema.js';

/** winston levels and their syslog priorities. */
export const LEVELS = { error: 0, warn: 1, notice: 2, info: 3, debug: 4 } as const;
const SYSLOG_PRIORITY: Record<string, number> = { error: 3, warn: 4, notice: 5, info: 6, debug: 7 };
const COLOURS = { error: 'red', warn: 'yellow', notice: 'cyan', info: 'green', debug: 'gray' };
winston.addColors(COLOURS);

/** What the logger writes and how. */
export interface LogSettings {
  readonly level: LogLevel;
  readonly format: 'text' | 'json';
  readonly file: string | null;
}

/** Where the console lines go and what they are (replaceable for tests). */
export interface LogOutput {
  readonly stream: Writable;
  /** Colours; default: the stream is a terminal. */
  readonly tty?: boolean | undefined;
  /** journald priority prefixes instead of time stamps; default: `JOURNAL_STREAM` is set. */
  readonly journald?: boolean | undefined;
}

/** The logger type the agent passes around. */
export type AgentLogger = winston.Logger & Record<keyof typeof LEVELS, winston.LeveledLogMethod>;

function textFormat(colours: boolean, journald: boolean): winston.Logform.Format {
  const line = winston.format.printf((info) => {
    const level = String(info.level);
    const message = String(info.message);
    if (journald) return `<${SYSLOG_PRIORITY[level] ?? 6}>${message}`;
    const shown = colours ? winston.format.colorize().colorize(level, level.padEnd(6)) : level.padEnd(6);
    return `${String(info.time)} ${shown} ${message}`;
  });
  return winston.format.combine(winston.format.timestamp({ alias: 'time' }), line);
}

const jsonFormat = () =>
  winston.format.combine(
    winston.format.timestamp({ alias: 'time' }),
    winston.format((info) => {
      delete info.timestamp;
      return info;
    })(),
    winston.format.json(),
  );

function transports(settings: LogSettings, output: LogOutput): winston.transport[] {
  const tty = output.tty ?? ('isTTY' in output.stream && output.stream.isTTY === true);
  const journald = output.journald ?? process.env.JOURNAL_STREAM !== undefined;
  const consoleFormat = settings.format === 'json' ? jsonFormat() : textFormat(tty, journald);
  const list: winston.transport[] = [new winston.transports.Stream({ stream: output.stream, format: consoleFormat })];
  if (settings.file !== null)
    list.push(
      new winston.transports.File({
        filename: settings.file,
        format: settings.format === 'json' ? jsonFormat() : textFormat(false, false),
      }),
    );
  return list;
}

/**
 * Creates the agent's logger.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'info', format: 'text', file: null }, { stream: process.stdout });
 * log.notice('switched fiber → lte');
 * ```
 */
export function createLogger(settings: LogSettings, output: LogOutput): AgentLogger {
  return winston.createLogger({
    levels: LEVELS,
    level: settings.level,
    transports: transports(settings, output),
    exitOnError: false,
  }) as AgentLogger;
}

/** Applies new settings to a logger (after a reload). */
export function reconfigureLogger(logger: AgentLogger, settings: LogSettings, output: LogOutput): void {
  logger.configure({
    levels: LEVELS,
    level: settings.level,
    transports: transports(settings, output),
    exitOnError: false,
  });
}
