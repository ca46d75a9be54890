/**
 * The shell reader's emulation checked against the real thing: bash running
 * `eval $(readhash FILE)` with IPFire's sed passes (test/support/emulated/readhash).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { ReadhashDocument } from '../../src/readhash/document.js';
import { readShell } from '../../src/readhash/readers.js';

const READHASH = fileURLToPath(new URL('../support/emulated/readhash', import.meta.url));

/** What bash has for each key after `eval $(readhash file)`; undefined = unset. */
function bashRead(dir: string, text: string, keys: readonly string[]): Map<string, string | undefined> {
  const file = join(dir, 'settings');
  writeFileSync(file, text, 'latin1');
  const script =
    'eval $("$READHASH" "$1") 2>/dev/null; shift; for k in "$@"; do if [ -n "${!k+x}" ]; then printf "%s=set:%s\\0" "$k" "${!k}"; else printf "%s=unset\\0" "$k"; fi; done';
  const out = execFileSync('bash', ['-c', script, 'bash', file, ...keys], {
    env: { READHASH, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5000,
  });
  const result = new Map<string, string | undefined>();
  for (const item of out.split('\0').filter(Boolean)) {
    const at = item.indexOf('=');
    const rest = item.slice(at + 1);
    result.set(item.slice(0, at), rest.startsWith('set:') ? rest.slice(4) : undefined);
  }
  return result;
}

describe('the shell reader emulation against bash and sed', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'wanwatch-readhash-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const TRICKY = [
    'PASSWORD=pa!ss\nA=1\n',
    "PROFILENAME='a  b'\nB='x y'\n",
    'A=1\r\nB=2\n',
    'A=1\nA=2\n',
    'RED_DESCRIPTION=\'"pci: x"\'\nC=3',
    'USERNAME=joe \nD=x=y\n',
    "E=''\nF=\nG='  lead'\n",
  ];
  for (const text of TRICKY) {
    it(`agrees on ${JSON.stringify(text)}`, () => {
      const emulated = readShell(text).values!;
      const keys = ['PASSWORD', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'PROFILENAME', 'RED_DESCRIPTION', 'USERNAME'];
      const real = bashRead(dir, text, keys);
      for (const k of keys) assert.equal(emulated.get(k), real.get(k), k);
    });
  }

  it('reads back exactly what the codec writes (random files, real bash)', () => {
    const key = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,7}$/);
    const word = fc.stringMatching(/^[A-Za-z0-9=/,.:%_@#+-]{1,6}$/);
    const value = fc.oneof(
      word,
      fc.array(word, { minLength: 2, maxLength: 3 }).map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 }), (x) => {
        const text = ReadhashDocument.from(Object.entries(x)).toString();
        const real = bashRead(dir, text, Object.keys(x));
        for (const [k, v] of Object.entries(x)) assert.equal(real.get(k), v, `${k} in ${JSON.stringify(text)}`);
      }),
      { numRuns: 60 },
    );
  });
});
