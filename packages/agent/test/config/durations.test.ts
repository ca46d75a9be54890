/**
 * Every duration of the config file has an upper bound that a Node timer
 * can hold (2³¹−1 ms, 24.8 days): beyond it Node fires after 1 ms, so
 * `log.summary: 25d` wrote a summary every millisecond and a 25-day
 * `linux.commandTimeout` made every command fail at once.
 */
import assert from 'node:assert/strict';
import { MAX_TIMER_MS, type Limit } from '@wanwatch/core';
import { CONFIG_SCHEMA, type Schema } from '@wanwatch/agent';
import { configErrors } from '../support/config-errors.js';

const FILE = '/etc/wanwatch/wanwatch.yaml';
const UPLINKS = `uplinks:
  - name: fiber
    interface: eth1
    targets: [192.0.2.10]
`;

/** Every node of the schema with its path. */
function nodes(schema: Schema, at: string): [string, Schema][] {
  const out: [string, Schema][] = [[at, schema]];
  for (const [key, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>))
    out.push(...nodes(sub, at === '' ? key : `${at}.${key}`));
  if (typeof schema.additionalProperties === 'object')
    out.push(...nodes(schema.additionalProperties as Schema, `${at}.<name>`));
  if (typeof schema.items === 'object') out.push(...nodes(schema.items as Schema, `${at}[]`));
  return out;
}

describe('config durations', () => {
  it('bounds every duration key, below the longest timer Node can arm', () => {
    const durations = nodes(CONFIG_SCHEMA, '').filter(([, s]) => s.kind === 'duration' || s.kind === 'timeout');
    assert.ok(durations.length >= 40, `${durations.length} duration keys`);
    for (const [path, schema] of durations) {
      const limit = schema.limit as Limit | undefined;
      assert.ok(limit?.max !== undefined && limit.max <= MAX_TIMER_MS, `${path} has an upper bound within a timer`);
    }
  });

  it('refuses log.summary: 25d at its line (it was a summary every millisecond)', () => {
    assert.deepEqual(configErrors(`platform: simulated\nlog:\n  summary: 25d\n${UPLINKS}`, FILE), [
      `${FILE}:3:12: log.summary: must be a whole number from 0s to 1d, got 25d`,
    ]);
  });

  it('refuses linux.commandTimeout: 25d at its line (every ip command failed)', () => {
    assert.deepEqual(configErrors(`platform: linux\nlinux:\n  commandTimeout: 25d\n${UPLINKS}`, FILE), [
      `${FILE}:3:19: linux.commandTimeout: must be a whole number from 1ms to 10m, got 25d`,
    ]);
  });

  it('gives each duration a bound that fits it: failback delay a day, a dampening suppression a week', () => {
    const lines = configErrors(
      `platform: simulated\nfailback: { delay: 2d }\ndampening: { maxSuppress: 8d }\nhooks: { timeout: 2h }\n${UPLINKS}`,
      FILE,
    );
    assert.deepEqual(lines, [
      `${FILE}:2:20: failback.delay: must be a whole number from 0s to 1d, got 2d`,
      `${FILE}:3:27: dampening.maxSuppress: must be a whole number from 1s to 7d, got 8d`,
      `${FILE}:4:19: hooks.timeout: must be a whole number from 1ms to 1h, got 2h`,
    ]);
  });
});
