import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS } from '@wanwatch/core';
import { ConfigFileError, loadConfig, parseConfig, type AgentConfig } from '@wanwatch/agent';
import { TempDir } from '../support/tmp.js';
import { configErrors } from '../support/config-errors.js';

const FILE = '/etc/wanwatch/test.yaml';

const GOOD = `platform: simulated
uplinks:
  - name: fiber
    interface: eth1
    targets: [gateway, 192.0.2.10]
  - name: lte
    interface: wwan0
    targets: [192.0.2.10, 198.51.100.53]
`;

const errors = (text: string): string[] => configErrors(text, FILE);

const ok = (text: string): AgentConfig => parseConfig(text, FILE);

describe('config loading', () => {
  describe('errors name the file, line, column and path', () => {
    it('reports an unknown key at the key, with the key it probably meant', () => {
      const [line, ...rest] = errors(`${GOOD}failback:\n  dealy: 30s\n`);
      assert.equal(rest.length, 0);
      assert.match(
        line!,
        /^\/etc\/wanwatch\/test\.yaml:10:3: failback\.dealy: unknown key "dealy"; did you mean delay\?/,
      );
    });

    it('reports a value of the wrong type', () => {
      assert.deepEqual(errors(`${GOOD}health:\n  down: four\n`), [
        `${FILE}:10:9: health.down: must be a whole number, got "four"`,
      ]);
    });

    it('reports a duration without a unit and a malformed one', () => {
      assert.deepEqual(errors(`${GOOD}probe:\n  interval: 500\n  timeout: 2 s\n`), [
        `${FILE}:10:13: probe.interval: must be a duration with a unit, like 500ms, 60s, 15m or 1h30m, got 500`,
        `${FILE}:11:12: probe.timeout: must be auto or a duration with a unit, like 800ms or 2s, got "2 s"`,
      ]);
    });

    it('reports a ratio that is not a percentage, or above 100 %', () => {
      assert.deepEqual(errors(`${GOOD}health:\n  loss: { fail: 0.4, recover: 110% }\n`), [
        `${FILE}:10:17: health.loss.fail: must be a percentage, like 40%, got 0.4`,
        `${FILE}:10:31: health.loss.recover: must be at most 100%, got 110%`,
      ]);
    });

    it('reports a bad target at its place in the list', () => {
      const text = GOOD.replace('targets: [gateway, 192.0.2.10]', 'targets: [gateway, 192.0.2.300]');
      assert.match(
        errors(text)[0]!,
        /^\/etc\/wanwatch\/test\.yaml:5:24: uplinks\[0\]\.targets\[1\]: "192\.0\.2\.300" is not an IP address/,
      );
    });

    it('reports a duplicate uplink name at the second one', () => {
      assert.deepEqual(errors(GOOD.replace('name: lte', 'name: fiber')), [
        `${FILE}:6:11: uplinks[1].name: duplicate uplink name "fiber"`,
      ]);
    });

    it('reports a reliability no round could reach, overridden or inherited', () => {
      const own = GOOD.replace(
        '    targets: [gateway, 192.0.2.10]',
        '    targets: [gateway, 192.0.2.10]\n    probe: { reliability: 3 }',
      );
      assert.deepEqual(errors(own), [
        `${FILE}:6:27: uplinks[0].probe.reliability: is 3 but the uplink has only 2 target(s): no round could ever pass`,
      ]);
      const inherited = errors(
        `${GOOD}probe:\n  reliability: 2\n`.replace('targets: [gateway, 192.0.2.10]', 'targets: [gateway]'),
      );
      assert.deepEqual(inherited, [
        `${FILE}:5:14: uplinks[0].targets: probe.reliability is 2 but the uplink has only 1 target(s): no round could ever pass`,
      ]);
    });

    it('reports a bad interface name', () => {
      assert.deepEqual(errors(GOOD.replace('interface: wwan0', 'interface: "wwan0/../x"')), [
        `${FILE}:7:16: uplinks[1].interface: "wwan0/../x" is not a valid interface name (1-15 characters, no / or spaces)`,
      ]);
    });

    it('reports a missing required key where it belongs, and a missing uplinks list', () => {
      assert.deepEqual(errors(GOOD.replace('    interface: eth1\n', '')), [
        `${FILE}:3:5: uplinks[0].interface: missing required key "interface"`,
      ]);
      assert.deepEqual(errors('platform: simulated\n'), [`${FILE}:1:1: uplinks: missing required key "uplinks"`]);
    });

    it('reports the engine’s own rules in the file’s keys and units', () => {
      assert.deepEqual(errors(`${GOOD}probe:\n  interval: 5ms\ndampening:\n  reuse: 3000\n`), [
        `${FILE}:10:13: probe.interval: must be a whole number from 10ms to 1h, got 5ms`,
        `${FILE}:12:10: dampening.reuse: must be below suppress (2000)`,
      ]);
    });

    it('reports every problem of every stage at once, in file order', () => {
      const text = `platform: openwrt
probe:
  intervall: 1s
  spread: 60%
failback: { mode: sometimes, delay: 1m30 }
uplinks:
  - name: Fiber
    interface: eth1
    targets: [gateway, nowhere]
    probes: [icmp, udp:53]
  - name: lte
    interface: "has space"
    targets: [192.0.2.10]
hooks: { pre: relative/script }
`;
      const lines = errors(text);
      assert.deepEqual(
        lines.map((l) => l.split(': ')[0]),
        [
          `${FILE}:1:11`,
          `${FILE}:3:3`,
          `${FILE}:4:11`,
          `${FILE}:5:19`,
          `${FILE}:5:37`,
          `${FILE}:7:11`,
          `${FILE}:9:24`,
          `${FILE}:10:20`,
          `${FILE}:12:16`,
          `${FILE}:14:15`,
        ],
        lines.join('\n'),
      );
    });

    it('reports YAML syntax errors with their position', () => {
      const [line] = errors('uplinks:\n  - name: a\n   interface: [\n');
      assert.match(line!, /^\/etc\/wanwatch\/test\.yaml:\d+:\d+: \(yaml\): /);
    });

    it('reports an unreadable file as one line about the file', () => {
      const dir = new TempDir();
      try {
        assert.throws(
          () => loadConfig(dir.join('missing.yaml')),
          (err: unknown) =>
            err instanceof ConfigFileError &&
            err.lines()[0] === `${dir.join('missing.yaml')}: cannot read the config: no such file`,
        );
      } finally {
        dir.remove();
      }
    });

    it('refuses hooks that do not exist or are not executable', () => {
      const dir = new TempDir();
      try {
        const script = dir.file('not-executable', '#!/bin/sh\n', 0o644);
        const lines = errors(`${GOOD}hooks:\n  pre: ${script}\n  post: ${dir.join('missing')}\n`);
        assert.deepEqual(lines, [
          `${FILE}:10:8: hooks.pre: ${script} is not executable`,
          `${FILE}:11:9: hooks.post: ${dir.join('missing')} does not exist`,
        ]);
      } finally {
        dir.remove();
      }
    });
  });

  describe('a valid config', () => {
    it('fills every default, engine defaults from core', () => {
      const config = ok(GOOD);
      assert.deepEqual(config.settings, DEFAULT_SETTINGS);
      const e = config.effective as Record<string, Record<string, unknown>>;
      assert.equal(e.probe!.interval, '500ms');
      assert.equal(e.probe!.timeout, 'auto');
      assert.deepEqual(e.health!.loss, { fail: '40%', recover: '10%' });
      assert.equal(e.failback!.delay, '1m');
      assert.equal(e.hooks!.timeout, '10s');
      assert.equal(e.control!.socket, '/run/wanwatch.sock');
      assert.equal(e.state, '/var/lib/wanwatch');
      assert.deepEqual(e.log, { level: 'info', format: 'text', file: null, summary: '1m' });
      assert.deepEqual(
        config.uplinks.map((u) => [u.id, u.priority, u.gateway]),
        [
          ['fiber', 10, 'auto'],
          ['lte', 20, 'auto'],
        ],
      );
    });

    it('converts units for the engine', () => {
      const config = ok(
        `${GOOD}probe: { interval: 1s, timeout: 750ms, spread: 10% }\nhealth: { latency: { fail: 1500ms, recover: 1s } }\nfailback: { delay: 2m, window: "02:00-05:00" }\nhooks: { timeout: 3s }\n`,
      );
      assert.equal(config.settings.probe.intervalMs, 1000);
      assert.equal(config.settings.probe.timeoutMs, 750);
      assert.equal(config.settings.probe.spreadPct, 10);
      assert.deepEqual(config.settings.health.latencyMs, { fail: 1500, recover: 1000 });
      assert.equal(config.settings.failback.delayMs, 120_000);
      assert.equal(config.settings.failback.window, '02:00-05:00');
      assert.equal(config.settings.switch.hookTimeoutMs, 3000);
    });

    it('keeps per-uplink overrides of probe and health keys, inheriting the rest', () => {
      const config = ok(
        GOOD.replace(
          '    targets: [192.0.2.10, 198.51.100.53]',
          '    targets: [192.0.2.10, 198.51.100.53]\n    probe: { interval: 2s, reliability: 2 }\n    health: { down: 2, loss: { fail: 25% } }',
        ),
      );
      const lte = config.uplinks[1]!;
      assert.deepEqual(lte.probe, { intervalMs: 2000, reliability: 2 });
      assert.deepEqual(lte.health, { down: 2, lossPct: { fail: 25 } });
      assert.equal(config.uplinks[0]!.probe, undefined);
    });

    it('expands targets by probes', () => {
      const config = ok(
        GOOD.replace(
          '    targets: [gateway, 192.0.2.10]',
          '    targets: [gateway, 192.0.2.10]\n    probes: [icmp, tcp:443]',
        ),
      );
      assert.deepEqual(config.uplinks[0]!.targets, ['gateway', '192.0.2.10', 'tcp:192.0.2.10:443']);
      assert.deepEqual(config.uplinks[1]!.targets, ['192.0.2.10', '198.51.100.53']);
    });

    it('accepts platform linux with its section, and platform-specific paths', () => {
      const config = ok(
        `${GOOD.replace('platform: simulated', 'platform: linux')}linux: { tableBase: 100, tables: { lte: 222 }, conntrack: old-uplink, cleanupOnStop: true, commandTimeout: 5s }\ncontrol: { socket: /run/ww/ctl.sock }\nstate: /srv/ww\n`,
      );
      assert.equal(config.platform, 'linux');
      assert.deepEqual(config.linux, {
        tableBase: 100,
        tables: { lte: 222 },
        rulePriority: 1000,
        metric: 10,
        conntrack: 'old-uplink',
        cleanupOnStop: true,
        commandTimeoutMs: 5000,
      });
      assert.equal(config.socket, '/run/ww/ctl.sock');
      assert.equal(config.stateDir, '/srv/ww');
      assert.deepEqual(errors(`${GOOD}linux: { tables: { dsl: 7 } }\n`), [
        `${FILE}:9:25: linux.tables.dsl: no uplink is named "dsl"`,
      ]);
    });
  });
});
