/**
 * The man page and the shell completions, made from the command table:
 * the shipped files are current, groff reads the page without a warning,
 * and real bash and zsh complete commands, options and the config's
 * uplinks with them (zsh driven through a pseudo-terminal, as a person
 * pressing Tab).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES } from '../src/cli/args.js';
import { bashCompletion, manPage, zshCompletion } from '../src/cli/docs.js';
import { synopsis, visibleCommands } from '../src/cli/help.js';
import { CLI } from './support/agent.js';
import { TempDir } from './support/tmp.js';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));

describe('the man page and shell completions', function () {
  this.timeout(60_000);
  let dir: TempDir;
  let bin: string;
  let config: string;
  before(() => {
    dir = new TempDir();
    bin = dir.join('bin');
    mkdirSync(bin);
    // The `wanwatch` the completion scripts call for the uplinks of the config.
    writeFileSync(join(bin, 'wanwatch'), `#!/bin/sh\nexec ${process.execPath} ${CLI} "$@"\n`);
    chmodSync(join(bin, 'wanwatch'), 0o755);
    config = dir.file(
      'c.yaml',
      'uplinks:\n  - { name: fiber, interface: eth1 }\n  - { name: lte, interface: wwan0 }\n',
    );
  });
  after(() => dir.remove());

  it('ships the files the command table makes (npm run cli-docs writes them)', () => {
    const shipped = (f: string) => readFileSync(join(PACKAGE, f), 'utf8');
    assert.equal(shipped('man/wanwatch.1'), manPage(), 'man/wanwatch.1 is stale: npm run cli-docs');
    assert.equal(shipped('completion/wanwatch.bash'), bashCompletion(), 'stale: npm run cli-docs');
    assert.equal(shipped('completion/_wanwatch'), zshCompletion(), 'stale: npm run cli-docs');
    const manifest = JSON.parse(shipped('package.json')) as { man: string[]; files: string[] };
    assert.deepEqual(manifest.man, ['./man/wanwatch.1']);
    assert.ok(manifest.files.includes('man') && manifest.files.includes('completion'));
  });

  it('has a man page groff reads without a warning, with every command and exit code', () => {
    const page = execFileSync(process.execPath, [CLI, 'man'], { encoding: 'utf8' });
    assert.match(page, /^\.TH WANWATCH 1 "" "wanwatch \d+\.\d+\.\d+" "wanwatch manual"$/m);
    assert.match(page, /^[ -~\n]*$/, 'plain ASCII (man reads roff as Latin-1 otherwise)');
    const groff = spawnSync('groff', ['-man', '-Tutf8', '-ww'], { input: page, encoding: 'utf8' });
    assert.equal(groff.stderr, '');
    const text = groff.stdout
      .replace(/.[\b]/g, '')
      .replace(/‐\n\s+/g, '')
      .replace(/\s+/g, ' ');
    for (const c of visibleCommands()) assert.ok(text.includes(synopsis(c)), synopsis(c));
    for (const [code] of EXIT_CODES) assert.match(text, new RegExp(`EXIT STATUS( .*)? ${code} `));
    assert.doesNotMatch(text, /__uplinks/);
  });

  it('completes commands, options, shells and the config’s uplinks in bash', () => {
    const script = dir.file('wanwatch.bash', bashCompletion());
    const complete = (line: string): string[] => {
      const words = line.split(' ');
      const r = spawnSync(
        'bash',
        [
          '--norc',
          '--noprofile',
          '-c',
          `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _wanwatch; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          script,
        ],
        { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } },
      );
      assert.equal(r.stderr, '');
      return r.stdout.split('\n').filter(Boolean).sort();
    };
    assert.deepEqual(complete('wanwatch fa'), ['failback', 'failover']);
    assert.deepEqual(complete('wanwatch failover --'), ['--config', '--help', '--json', '--socket', '--to']);
    assert.deepEqual(complete(`wanwatch -c ${config} failover `), ['fiber', 'lte']);
    assert.deepEqual(complete(`wanwatch hold -c ${config} --to l`), ['lte']);
    assert.deepEqual(complete('wanwatch help rel'), ['release', 'reload']);
    assert.deepEqual(complete('wanwatch completion '), ['bash', 'zsh']);
    assert.deepEqual(complete('wanwatch run --'), ['--config', '--help']);
  });

  it('completes commands, options, shells and the config’s uplinks in zsh', () => {
    const fn = dir.join('fn');
    mkdirSync(fn);
    writeFileSync(join(fn, '_wanwatch'), zshCompletion());
    assert.equal(spawnSync('zsh', ['-n', join(fn, '_wanwatch')], { encoding: 'utf8' }).status, 0);
    // An interactive zsh in a pseudo-terminal: each line is typed, then one key completes it and writes the result.
    const zdot = dir.join('zdot');
    mkdirSync(zdot);
    const out = dir.join('completed');
    writeFileSync(
      join(zdot, '.zshrc'),
      [
        `fpath=(${fn} $fpath)`,
        `PATH=${bin}:$PATH`,
        'autoload -Uz compinit && compinit -u -D',
        `dump() { zle complete-word; print -r -- "$BUFFER" >> ${out}; BUFFER=""; zle accept-line; }`,
        'zle -N dump',
        "bindkey '^X^D' dump",
        // Printed when the line editor waits for input: the driver types only then.
        'zle-line-init() { print -n "ZLE-READY-$((40+2))"; }',
        'zle -N zle-line-init',
        '',
      ].join('\n'),
    );
    const lines = [
      'wanwatch stat',
      'wanwatch failover --t',
      `wanwatch -c ${config} failover l`,
      `wanwatch -c ${config} hold --to f`,
      'wanwatch completion z',
      'wanwatch help relo',
    ];
    const driver = dir.file(
      'drive.zsh',
      [
        'zmodload zsh/zpty',
        `zpty z 'ZDOTDIR=${zdot} zsh -i'`,
        ...lines.flatMap((l) => ["zpty -r z seen '*ZLE-READY-42*'", `zpty -w -n z '${l}'$'\\x18\\x04'`]),
        "zpty -r z seen '*ZLE-READY-42*'",
        'zpty -d z',
        '',
      ].join('\n'),
    );
    const r = spawnSync('zsh', ['-f', driver], {
      encoding: 'utf8',
      timeout: 45_000,
      env: { PATH: '/usr/bin:/bin', HOME: dir.path },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readFileSync(out, 'utf8').split('\n').slice(0, -1), [
      'wanwatch status ',
      'wanwatch failover --to ',
      `wanwatch -c ${config} failover lte `,
      `wanwatch -c ${config} hold --to fiber `,
      'wanwatch completion zsh ',
      'wanwatch help reload ',
    ]);
  });
});
