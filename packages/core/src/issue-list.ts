/**
 * Collects configuration problems so that a caller sees every one at once
 * (internal: settings and uplinks validate through it).
 */
import { ConfigError, type ConfigIssue } from './errors.js';

/** Every problem found so far, in the order checked. */
export class IssueList {
  readonly issues: ConfigIssue[] = [];

  add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  integer(path: string, value: unknown, min: number, max: number): void {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      this.add(path, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }

  number(path: string, value: unknown, min: number, max: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
      this.add(path, `must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }

  oneOf(path: string, value: unknown, allowed: readonly string[]): void {
    if (typeof value !== 'string' || !allowed.includes(value))
      this.add(path, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }

  /** Throws a {@link ConfigError} listing every problem, if there is one. */
  throwIfAny(): void {
    if (this.issues.length > 0) throw new ConfigError(this.issues);
  }
}
