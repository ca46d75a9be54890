/**
 * A wrong value anywhere is a located error, never a crash: every section
 * and every key of the schema set to a value of each wrong type gives a
 * ConfigFileError (or is accepted), never a TypeError from a later stage.
 */
import assert from 'node:assert/strict';
import { CONFIG_SCHEMA, ConfigFileError, parseConfig, type Schema } from '@wanwatch/agent';
import { stringify } from 'yaml';

const UPLINK = { name: 'fiber', interface: 'eth1', targets: ['192.0.2.10'] };
const WRONG: readonly unknown[] = [null, 5, 'x', [], [1], { nope: 1 }, true];

function survives(config: Record<string, unknown>, what: string): void {
  try {
    parseConfig(stringify(config), 'robust.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigFileError, `${what}: ${String(err)}`);
  }
}

describe('config: wrong values never crash the loader', () => {
  const properties = CONFIG_SCHEMA.properties as Record<string, Schema>;

  /** The platform whose section `key` is (a platform's own checks run only for it). */
  const platformOf = (key: string) =>
    key === 'ha' ? 'linux' : ['linux', 'opnsense', 'ipfire'].includes(key) ? key : 'simulated';

  it('every top-level key set to each wrong type', () => {
    for (const platform of ['linux', 'ipfire'])
      for (const key of Object.keys(properties).filter((k) => k !== 'uplinks' && k !== 'platform'))
        for (const value of WRONG) survives({ platform, [key]: value, uplinks: [UPLINK] }, `${platform} ${key}`);
  });

  it('every key of every section set to each wrong type', () => {
    for (const [section, schema] of Object.entries(properties)) {
      const platform = platformOf(section);
      const inner = section === 'ha' ? { lanInterface: 'lan0', keepalived: { fifo: '/f', instance: 'I' } } : {};
      for (const key of Object.keys(schema.properties ?? {}))
        for (const value of WRONG)
          survives(
            { platform, [section]: { ...inner, [key]: value }, uplinks: [UPLINK] },
            `${platform} ${section}.${key} = ${JSON.stringify(value)}`,
          );
    }
  });

  it('every key of an uplink set to each wrong type', () => {
    for (const key of ['name', 'priority', 'interface', 'gateway', 'gateway6', 'targets', 'probes', 'probe', 'health'])
      for (const value of WRONG)
        survives({ platform: 'linux', uplinks: [{ ...UPLINK, [key]: value }] }, `uplink ${key}`);
  });
});
