import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SYSHOOK_NAME, syshookScript } from '../src/index.js';

const example = (path: string) => fileURLToPath(new URL(`../../../examples/opnsense/${path}`, import.meta.url));

describe('the OPNsense examples', () => {
  it('ship the syshook exactly as installSyshook() writes it, executable', () => {
    assert.equal(readFileSync(example(SYSHOOK_NAME), 'utf8'), syshookScript());
    assert.equal(statSync(example(SYSHOOK_NAME)).mode & 0o111, 0o111);
  });

  it('run the agent under daemon(8) with a reload that sends SIGHUP after checking the config', () => {
    const rc = readFileSync(example('rc.d/wanwatch'), 'utf8');
    assert.match(rc, /^# PROVIDE: wanwatch$/m);
    assert.match(rc, /^command="\/usr\/sbin\/daemon"$/m);
    assert.match(rc, /run -c \$\{wanwatch_config\}"$/m);
    assert.match(rc, /wanwatch_checkconfig \|\| return 1\n\tkill -HUP/);
    const actions = readFileSync(example('actions_wanwatch.conf'), 'utf8');
    for (const section of ['start', 'stop', 'restart', 'reload', 'status', 'failback'])
      assert.match(actions, new RegExp(`^\\[${section}\\]\\ncommand:`, 'm'));
  });
});
