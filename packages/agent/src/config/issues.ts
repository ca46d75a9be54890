/**
 * Config problems: each one located (file, line, column, path) so that the
 * agent prints `file:line:col: path: message`, one line per problem.
 */
import { ConfigError, type ConfigIssue } from '@wanwatch/core';
import type { ConfigPath } from './positions.js';

/** A problem found at a path, before it is located in the file. */
export interface PathIssue {
  readonly path: ConfigPath;
  readonly message: string;
  /** Point at the key rather than its value (unknown keys). */
  readonly atKey?: boolean | undefined;
}

/** A problem with its place in the file. */
export interface LocatedIssue extends ConfigIssue {
  readonly file: string;
  /** 1-based; 0 when the problem is about the file as a whole. */
  readonly line: number;
  readonly col: number;
}

/** `file:line:col: path: message` (or `file: message` for the file as a whole). */
export function formatIssue(issue: LocatedIssue): string {
  if (issue.line === 0) return `${issue.file}: ${issue.message}`;
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.path}: ${issue.message}`;
}

/**
 * A config file that cannot be used. Extends core's {@link ConfigError}
 * (code `E_CONFIG`), adding where each problem is.
 */
export class ConfigFileError extends ConfigError {
  readonly located: readonly LocatedIssue[];

  constructor(file: string, located: readonly LocatedIssue[]) {
    super(located, { file });
    this.located = located;
    this.message = located.map(formatIssue).join('\n');
  }

  /** One line per problem. */
  lines(): string[] {
    return this.located.map(formatIssue);
  }
}
