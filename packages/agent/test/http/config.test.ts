import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { ControlError, Daemon, parseConfig, type ConfigFileError } from '@wanwatch/agent';
import { simulatedConfig, TOKEN } from '../support/http-agent.js';
import { TempDir } from '../support/tmp.js';

describe('HTTP API config', () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());
  const uplinks = 'uplinks: [{ name: a, interface: eth1, targets: [192.0.2.1] }]\n';

  it('is off unless control.http is set, and listens on 127.0.0.1:8686 by default', () => {
    assert.equal(parseConfig(uplinks, 'x.yaml').http, null);
    const token = dir.file('token', `${TOKEN}\n`, 0o600);
    const on = parseConfig(`control: { http: { tokenFile: ${token} } }\n${uplinks}`, 'x.yaml').http;
    assert.deepEqual(on, {
      host: '127.0.0.1',
      port: 8686,
      tokenFile: token,
      readToken: false,
      changesPerMinute: 10,
      maxBodyBytes: 16384,
      allowedHosts: [],
    });
  });

  it('refuses to start when its port is taken, leaving no control socket behind', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const port = (busy.address() as AddressInfo).port;
      dir.file('token', `${TOKEN}\n`, 0o600);
      const file = dir.file('c.yaml', simulatedConfig(dir, '', '', `127.0.0.1:${port}`));
      await assert.rejects(
        Daemon.start(file, { stream: new PassThrough(), tty: false, journald: false }),
        (err: unknown) =>
          err instanceof ControlError &&
          err.code === 'E_HTTP' &&
          err.message.includes(`cannot listen on 127.0.0.1:${port}`),
      );
      assert.equal(existsSync(dir.join('run', 'wanwatch.sock')), false);
    } finally {
      busy.close();
    }
  });

  it('refuses a token file others can read, a short token and a bad listen address, naming the line', () => {
    const open = dir.file('open', `${TOKEN}\n`, 0o644);
    const short = dir.file('short', 'abc\n', 0o600);
    const problems = (text: string) => {
      try {
        parseConfig(text, 'x.yaml');
      } catch (err) {
        return (err as ConfigFileError).lines().join('\n');
      }
      return '';
    };
    assert.match(
      problems(`control:\n  http: { tokenFile: ${open} }\n${uplinks}`),
      /x\.yaml:2:\d+: control\.http\.tokenFile: .*readable or writable by group or others \(mode 644\)/,
    );
    assert.match(problems(`control:\n  http: { tokenFile: ${short} }\n${uplinks}`), /at least 16 characters/);
    assert.match(
      problems(`control:\n  http: { tokenFile: ${short}, listen: "0.0.0.0" }\n${uplinks}`),
      /control\.http\.listen: must be address:port/,
    );
  });
});
