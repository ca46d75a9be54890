/** Problems found while checking settings or options, each at the path of its field (core-internal). */
import type { ConfigIssue } from '../errors.js';
import { limitProblem, type Limit } from './limits.js';

/** Problems found, each at the path of its field. */
export class IssueList {
  readonly issues: ConfigIssue[] = [];
  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }
  /** Checks `value` against `limit` (see {@link limitProblem}). */
  limit(path: string, value: unknown, limit: Limit): void {
    const problem = limitProblem(value, limit);
    if (problem !== null) this.add(path, problem);
  }
  oneOf(path: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value))
      this.add(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
}
