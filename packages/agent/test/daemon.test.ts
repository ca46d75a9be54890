import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { HistoryEntry } from '@wanwatch/core';
import type { StatusResult } from '@wanwatch/agent';
import { TempDir } from './support/tmp.js';
import { AgentProcess, wanwatch, waitFor } from './support/agent.js';

/** Fast probing so uplinks prove themselves in a fraction of a second; failback left to the operator's commands. */
const config = (dir: TempDir, extra = '') => `platform: simulated
state: ${dir.join('state')}
control: { socket: ${dir.join('run', 'wanwatch.sock')} }
probe: { interval: 100ms, failureInterval: 100ms, recoveryInterval: 100ms }
health: { up: 2, down: 2 }
failback: { delay: 1h, minDwell: 0s }
log: { summary: 0s }
uplinks:
  - name: fiber
    interface: eth1
    targets: [192.0.2.10, 198.51.100.53]
  - name: lte
    interface: wwan0
    targets: [192.0.2.10]
simulated:
  links:
    lte: { rtt: 40ms, jitter: 4ms }
${extra}`;

describe('the wanwatch daemon (simulated platform, real processes)', function () {
  this.timeout(60_000);
  let dir: TempDir;
  let file: string;
  let socket: string;
  let agent: AgentProcess | null = null;
  const cli = (...args: string[]) => wanwatch(...args, '-s', socket);
  const status = async () => JSON.parse((await cli('status', '--json')).stdout) as StatusResult;
  const history = async () => JSON.parse((await cli('history', '--json')).stdout) as HistoryEntry[];
  const switches = async (since: number) => (await history()).filter((e) => e.type === 'switch' && e.at >= since);
  const settled = (active: string) =>
    waitFor(`${active} active with every uplink up`, async () => {
      const st = await status().catch(() => undefined);
      return st && st.active === active && st.uplinks.every((u) => u.state === 'up') ? st : undefined;
    });

  before(async () => {
    dir = new TempDir();
    file = dir.file('wanwatch.yaml', config(dir));
    socket = dir.join('run', 'wanwatch.sock');
    agent = new AgentProcess(file);
    await agent.line(/notice engine running/);
  });
  after(async () => {
    await agent?.kill();
    dir.remove();
  });

  it('starts, makes the best uplink active and serves a root-only socket', async () => {
    await settled('fiber');
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    await agent!.line(/notice switched none → fiber \(initial\)/);
  });

  it('shows status as a table and as JSON', async () => {
    const table = await cli('status');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^active: fiber for \d+ s {3}role: master {3}platform: simulated/);
    assert.match(table.stdout, /^UPLINK +PRIO +STATE +ACTIVE +RTT +LOSS +JITTER +PENALTY +NOTES$/m);
    assert.match(table.stdout, /^fiber +10 +up +\* +\d+ ms +0% +[\d.]+ ms +0$/m);
    assert.match(table.stdout, /^lte +20 +up +\d+ ms +0% +[\d.]+ ms +0$/m);
    const st = await status();
    assert.deepEqual(
      st.uplinks.map((u) => [u.id, u.state, u.active, u.penalty]),
      [
        ['fiber', 'up', true, 0],
        ['lte', 'up', false, 0],
      ],
    );
    assert.ok(st.uplinks[1]!.metrics.rttMs! > 30);
    assert.equal(st.agent.platform, 'simulated');
  });

  it('fails over on command and shows the pending failback with its time left, then fails back', async () => {
    const over = await cli('failover', 'lte');
    assert.equal(over.code, 0, over.stderr);
    assert.match(over.stdout, /^switched fiber → lte \(manual\) in \d+ ms$/m);
    const st = await status();
    assert.equal(st.active, 'lte');
    assert.equal(st.pendingFailback?.uplink, 'fiber');
    assert.match(
      (await cli('status')).stdout,
      /^pending failback: to fiber in (59|60) min \(waiting for the delay\)$/m,
    );
    const back = await cli('failback');
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /switched lte → fiber \(failback\)/);
    assert.equal((await status()).active, 'fiber');
  });

  it('holds, forbids and releases uplinks', async () => {
    const hold = await cli('hold', 'lte');
    assert.equal(hold.code, 0, hold.stderr);
    assert.match(hold.stdout, /lte is held/);
    let st = await status();
    assert.equal(st.active, 'lte');
    assert.ok(st.uplinks[1]!.held);
    assert.match((await cli('status')).stdout, /^lte .* held$/m);
    assert.equal((await cli('release', 'lte')).code, 0);
    assert.equal((await cli('failback')).code, 0);
    const forbid = await cli('forbid', 'fiber');
    assert.equal(forbid.code, 0, forbid.stderr);
    assert.match(forbid.stdout, /fiber is forbidden until released; active: lte/);
    assert.match((await cli('status')).stdout, /^fiber .* forbidden$/m);
    const refused = await cli('failover', '--to', 'fiber');
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, 'wanwatch: fiber is forbidden; release it first\n');
    // Scripts get the agent's error as JSON on stdout, with the same exit code.
    const asJson = await cli('failover', 'fiber', '--json');
    assert.equal(asJson.code, 1);
    const { ok, error } = JSON.parse(asJson.stdout) as {
      ok: boolean;
      error: { code: string; message: string; exitCode: number };
    };
    assert.equal(ok, false);
    assert.match(error.code, /^E_[A-Z_]+$/);
    assert.equal(error.message, 'fiber is forbidden; release it first');
    assert.equal(error.exitCode, 1);
    assert.equal((await cli('release')).code, 0);
    st = await status();
    assert.ok(!st.uplinks[0]!.forbidden);
    const unknown = await cli('hold', 'nope');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'wanwatch: no uplink named "nope" (known: fiber, lte)\n');
  });

  it('lists history, filtered by time and count', async () => {
    const all = await history();
    assert.ok(all.some((e) => e.type === 'switch' && /fiber → lte \(manual\)/.test(e.message)));
    const text = await cli('history', '--since', '1h');
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^\S+Z {2}switch +switched fiber → lte \(manual\)/m);
    assert.equal((JSON.parse((await cli('history', '--limit', '2', '--json')).stdout) as unknown[]).length, 2);
    const future = await cli('history', '--since', new Date(Date.now() + 60_000).toISOString(), '--json');
    assert.deepEqual(JSON.parse(future.stdout), []);
  });

  it('reloads a good config on SIGHUP without a switch, keeping the active uplink', async () => {
    await settled('lte');
    const from = Date.now();
    const mark = agent!.lines.length;
    writeFileSync(file, config(dir, 'dampening: { penalty: 900 }\n'));
    agent!.signal('SIGHUP');
    await agent!.line(/notice config reloaded; active uplink lte \(was lte\)/, mark);
    await settled('lte');
    assert.deepEqual(await switches(from), []);
    assert.ok(!agent!.lines.slice(mark).some((l) => /switching|switched/.test(l)), agent!.lines.slice(mark).join('\n'));
  });

  it('keeps running unchanged when the new config is bad, and says why', async () => {
    const mark = agent!.lines.length;
    writeFileSync(file, config(dir).replace('delay: 1h', 'delay: soon'));
    try {
      agent!.signal('SIGHUP');
      await agent!.line(/error +.*wanwatch\.yaml:6:20: failback\.delay: must be a duration/, mark);
      await agent!.line(/error +reload refused: 1 problem\(s\)/, mark);
      assert.equal((await status()).active, 'lte');
      const viaCli = await cli('reload');
      assert.equal(viaCli.code, 2);
      assert.match(
        viaCli.stderr,
        /^\S+wanwatch\.yaml:6:20: failback\.delay: must be a duration.*\nwanwatch: reload refused: the config has errors\n$/,
      );
    } finally {
      writeFileSync(file, config(dir));
    }
  });

  it('stops on SIGTERM with exit 0, leaves the route and saves state', async () => {
    assert.equal((await cli('hold', 'lte')).code, 0);
    agent!.signal('SIGTERM');
    assert.equal(await agent!.exited, 0);
    assert.ok(agent!.lines.some((l) => /notice stopping; routing stays on lte/.test(l)));
    assert.ok(!existsSync(socket), 'the socket is removed');
    const state = JSON.parse(readFileSync(dir.join('state', 'state.json'), 'utf8')) as { active: string };
    assert.equal(state.active, 'lte');
    assert.equal(
      (JSON.parse(readFileSync(dir.join('state', 'simulated-route'), 'utf8')) as { route: string }).route,
      'lte',
    );
    const down = await cli('status');
    assert.equal(down.code, 3);
    const offline = await wanwatch('history', '--json', '-c', file);
    assert.equal(offline.code, 0);
    assert.match(offline.stderr, /reading .*state\/history\.jsonl/);
    assert.equal((JSON.parse(offline.stdout) as HistoryEntry[]).at(-1)?.type, 'stop');
  });

  it('adopts the active uplink and its state after a restart, without a switch', async () => {
    const from = Date.now();
    agent = new AgentProcess(file);
    await agent.line(/notice engine running; active uplink: lte/);
    const st = await settled('lte');
    assert.ok(st.uplinks[1]!.held, 'the hold survived the restart');
    assert.deepEqual(await switches(from), []);
    const second = await wanwatch('run', '-c', file);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /^wanwatch: another wanwatch agent is running \(its control socket .* answers\)\n$/);
    agent.signal('SIGINT');
    assert.equal(await agent.exited, 0);
  });
});
