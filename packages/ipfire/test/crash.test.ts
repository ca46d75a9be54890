/**
 * Crash safety: a child process switches RED between the three profiles
 * of an emulated IPFire as fast as it can and is killed with SIGKILL (its
 * whole process group, network script included) at random moments, until
 * 200 switches have begun. After every kill a fresh adapter recovers, and
 * the primary's settings must be intact byte for byte and RED up on a
 * profile its files describe.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IpfireAdapter } from '../src/adapter.js';
import { secretsFor } from '../src/files/secrets.js';
import { Journal } from '../src/switch/journal.js';
import { filesMatch, readRedFiles } from '../src/switch/red-files.js';
import {
  ETHERNET_SETTINGS,
  IpfireRoot,
  PROFILES,
  UPLINKS,
  PRIMARY_PASSWORD,
  PRIMARY_USER,
  PROFILE_1,
} from './support/ipfire-root.js';

const LOOP = fileURLToPath(new URL('./support/switch-loop.js', import.meta.url));
const SWITCHES = 200;

/** Runs the switch loop and kills its process group after `killAfterMs` (counted from `ready` unless `early`). */
function runAndKill(root: string, seed: number, killAfterMs: number, early: boolean): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOOP, root, String(seed), '60'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const guard = setTimeout(kill, 10_000);
    child.stdout.on('data', (b: Buffer) => {
      const got = b.toString().split('\n').filter(Boolean);
      lines.push(...got);
      if (!early && timer === undefined && got.some((l) => l.startsWith('ready')))
        timer = setTimeout(kill, killAfterMs);
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    if (early) timer = setTimeout(kill, killAfterMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`switch loop failed (${code}): ${stderr}`));
      else resolve(lines);
    });
  });
}

describe('crash safety (SIGKILL at random points of 200 switches)', function () {
  this.timeout(70_000);
  let root: IpfireRoot;
  afterEach(() => root?.dispose());

  it('keeps the primary settings byte for byte and RED on a consistent profile after every kill', async () => {
    root = IpfireRoot.create({ base: existsSync('/dev/shm') ? '/dev/shm' : undefined });
    root.redUp('ppp0');
    let seed = 20_261_121;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const adapterOptions = { profiles: PROFILES, root: root.dir, pollMs: 5, upTimeoutMs: 5000, syslogTag: null };
    let begun = 0;
    let kills = 0;
    let recoveredMidSwitch = 0;
    const end = Date.now() + 55_000;
    while (begun < SWITCHES) {
      assert.ok(Date.now() < end, `only ${begun} switches begun in 55 s`);
      const early = random() < 0.1;
      const lines = await runAndKill(root.dir, kills + 1, Math.floor(random() * (early ? 150 : 1200)), early);
      begun += lines.filter((l) => l.startsWith('begin')).length;
      kills++;
      if (lines.at(-1)?.startsWith('begin')) recoveredMidSwitch++;

      const adapter = new IpfireAdapter(UPLINKS, adapterOptions);
      let active = await adapter.discover(UPLINKS);
      const journal = new Journal(root.paths);
      assert.equal(await journal.open(), null, 'the interrupted switch was closed');
      assert.equal(root.read('var/ipfire/ppp/settings-1'), PROFILE_1, `settings-1 after kill ${kills}`);
      assert.equal((await journal.baseline()) ?? ETHERNET_SETTINGS, ETHERNET_SETTINGS, 'the baseline');
      for (const dir of ['var/ipfire/ethernet', 'var/ipfire/ppp', 'var/ipfire/wanwatch'])
        assert.deepEqual(
          readdirSync(root.path(dir)).filter((n) => n.includes('.wanwatch-')),
          [],
          `temp files in ${dir}`,
        );
      if (active === null) {
        const primary = UPLINKS[0]!;
        await adapter.activate(primary, { previous: null, reason: 'initial', signal: new AbortController().signal });
        active = primary.id;
      }
      // RED is up on the profile the files describe, with that profile's credentials.
      const profile = adapter.options.profiles.find((p) => p.id === active)!;
      const files = await readRedFiles(root.paths);
      assert.ok(await filesMatch(root.paths, files, profile), `files match ${active} after kill ${kills}`);
      assert.equal(root.read('var/ipfire/red/iface'), profile.iface);
      assert.ok(root.stat('var/ipfire/red/active').isFile());
      assert.equal(root.read('var/ipfire/red/current-profile'), `${active}\n`);
      if (profile.ppp !== null)
        assert.equal(files.secrets, secretsFor(root.read(`var/ipfire/ppp/settings-${profile.ppp}`), 'settings'));
      if (kills % 10 === 0) {
        await adapter.activate(UPLINKS[0]!, { previous: null, reason: 'manual', signal: new AbortController().signal });
        assert.equal(root.read('var/ipfire/ethernet/settings'), ETHERNET_SETTINGS);
        assert.equal(root.read('var/ipfire/ppp/secrets'), `'${PRIMARY_USER}' * '${PRIMARY_PASSWORD}'\n`);
        assert.equal(root.stat('var/ipfire/ppp/settings').ino, root.stat('var/ipfire/ppp/settings-1').ino);
      }
    }
    console.log(
      `      ${begun} switches begun, ${kills} kills, ${recoveredMidSwitch} of them in the middle of a switch`,
    );
    assert.ok(recoveredMidSwitch >= 8, `only ${recoveredMidSwitch} kills landed inside a switch`);
  });
});
