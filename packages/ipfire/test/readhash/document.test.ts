import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ReadhashDocument, ReadhashError } from '../../src/readhash/document.js';
import { READERS, readC, readFunctions, readPerl, readShell, readWith } from '../../src/readhash/readers.js';

const ETHERNET = [
  'CONFIG_TYPE=1',
  'GREEN_DEV=green0',
  `GREEN_DESCRIPTION='"pci: Intel Corporation 82574L"'`,
  'RED_DEV=red0',
  'RED_TYPE=PPPOE',
  'RED_ADDRESS=0.0.0.0',
  'RED_NETMASK=0.0.0.0',
  `RED_DESCRIPTION='"pci: Realtek RTL8111"'`,
  'DEFAULT_GATEWAY=0.0.0.0',
].join('\n');

/** Every reader agrees on `key`, the functions reader with quotes kept when the value has spaces. */
function assertAllRead(text: string, key: string, value: string): void {
  const quoted = value.includes(' ') ? `'${value}'` : value;
  assert.equal(readShell(text).values?.get(key), value, `shell reads ${key}`);
  assert.equal(readPerl(text).values?.get(key), value, `perl reads ${key}`);
  const c = readC(text).values;
  if (c) assert.equal(c.get(key), value, `C reads ${key}`);
  assert.equal(readFunctions(text).values?.get(key), quoted, `functions reads ${key}`);
}

describe('ReadhashDocument', () => {
  it('keeps every line it does not set byte for byte, and adds the final newline', () => {
    const doc = ReadhashDocument.parse(`${ETHERNET}\r\nPASSWORD=pa!ss`, 'ethernet/settings');
    doc.set('RED_TYPE', 'DHCP');
    const lines = doc.toString().split('\n');
    assert.equal(lines[4], 'RED_TYPE=DHCP');
    assert.equal(lines[2], `GREEN_DESCRIPTION='"pci: Intel Corporation 82574L"'`);
    assert.equal(lines[8], 'DEFAULT_GATEWAY=0.0.0.0\r');
    assert.equal(lines[9], 'PASSWORD=pa!ss');
    assert.ok(doc.toString().endsWith('pa!ss\n'));
    assertAllRead(doc.toString(), 'RED_TYPE', 'DHCP');
  });

  it('reproduces the file exactly when nothing is set and it ends with a newline', () => {
    const text = `${ETHERNET}\n# note\n\nX='a  b'\r\n`;
    assert.equal(ReadhashDocument.parse(text).toString(), text);
  });

  it('quotes a value with spaces as writehash does', () => {
    const doc = ReadhashDocument.parse('A=1\n').set('PROFILENAME', 'Backup LTE');
    assert.equal(doc.toString(), "A=1\nPROFILENAME='Backup LTE'\n");
    assertAllRead(doc.toString(), 'PROFILENAME', 'Backup LTE');
  });

  it('leaves one line for a key that had duplicates, at the first one', () => {
    const doc = ReadhashDocument.parse('MAXRETRIES=1\nA=2\nMAXRETRIES=3\n MAXRETRIES=4\n').set('MAXRETRIES', '5');
    assert.equal(doc.toString(), 'MAXRETRIES=5\nA=2\n');
    assertAllRead(doc.toString(), 'MAXRETRIES', '5');
  });

  it('replaces a CRLF line of the key it sets', () => {
    const doc = ReadhashDocument.parse('RED_TYPE=PPPOE\r\nRED_DEV=red0\r\n').set('RED_TYPE', 'DHCP');
    assert.equal(doc.toString(), 'RED_TYPE=DHCP\nRED_DEV=red0\r\n');
  });

  for (const [value, why] of [
    ['pa!ss', /"!".*shell reader.*drops silently/],
    ['a$HOME', /"\$"/],
    ["it's", /"'"/],
    ['two  spaces', /run of spaces/],
    ['line\nbreak', /a line break/],
    ['Müller', /"ü"/],
  ] as const) {
    it(`refuses ${JSON.stringify(value)} with the file, line and key, and changes nothing`, () => {
      const doc = ReadhashDocument.parse('A=1\nPASSWORD=old\n', '/var/ipfire/ppp/settings-2');
      assert.throws(
        () => doc.set('PASSWORD', value),
        (err: unknown) =>
          err instanceof ReadhashError &&
          err.code === 'E_CONFIG' &&
          err.line === 2 &&
          err.key === 'PASSWORD' &&
          err.message.startsWith('/var/ipfire/ppp/settings-2: line 2: PASSWORD: ') &&
          why.test(err.message),
      );
      assert.equal(doc.toString(), 'A=1\nPASSWORD=old\n');
    });
  }

  it('refuses a key the shell cannot assign', () => {
    assert.throws(() => ReadhashDocument.parse('').set('RED-DEV', 'x'), ReadhashError);
    assert.throws(() => ReadhashDocument.parse('').set('1A', 'x'), ReadhashError);
  });

  it('removes every line a reader would take as the key, even one the shell would run', () => {
    const doc = ReadhashDocument.parse('echo hi;RED_DEV=red0\nB=2\n').set('RED_DEV', 'red1');
    assert.equal(doc.toString(), 'RED_DEV=red1\nB=2\n');
    assert.deepEqual(readShell(doc.toString()).executed, []);
  });

  it('reads values as the web interface does, and says which keys the readers disagree on', () => {
    const doc = ReadhashDocument.parse(`${ETHERNET}\nPASSWORD=pa!ss\n`);
    assert.equal(doc.get('PASSWORD'), 'pa!ss');
    assert.equal(doc.shellValue('PASSWORD'), undefined);
    assert.deepEqual(doc.disagreements().sort(), ['GREEN_DESCRIPTION', 'PASSWORD', 'RED_DESCRIPTION']);
  });

  describe('property: parse(write(x)) == x for every value the shell reader accepts', () => {
    const key = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,15}$/);
    const safeChar = fc.constantFrom(...'Aa09=/,.:%_@#+-'.split(''), ...'xyzXYZ'.split(''));
    const word = fc.array(safeChar, { minLength: 1, maxLength: 8 }).map((a) => a.join(''));
    // Values: safe words joined by single spaces (runs of spaces are refused), or empty.
    const value = fc.oneof(
      fc.constant(''),
      fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
      fc.tuple(fc.constantFrom(' ', ''), word, fc.constantFrom(' ', '')).map(([a, b, c]) => a + b + c),
    );
    const record = fc.dictionary(key, value, { minKeys: 1, maxKeys: 12 });

    it('every reader reads back what was written into an empty file', () => {
      fc.assert(
        fc.property(record, (x) => {
          const text = ReadhashDocument.from(Object.entries(x)).toString();
          for (const [k, v] of Object.entries(x)) assertAllRead(text, k, v);
          assert.equal(readShell(text).values?.size, Object.keys(x).length);
        }),
        { numRuns: 300 },
      );
    });

    it('every reader reads back what was written over tricky existing lines, which stay verbatim', () => {
      const other = fc.constantFrom(
        `RED_DESCRIPTION='"pci: x"'`,
        'PASSWORD=pa!ss',
        "SECRET='it's'",
        'lower=case',
        'CRLF=1\r',
        '# a comment',
        '',
        'MÜ=1',
      );
      fc.assert(
        fc.property(record, fc.array(other, { maxLength: 6 }), (x, base) => {
          const keys = new Set(Object.keys(x));
          // Lines some reader takes as one of the keys are replaced, not kept (`MÜ=1` is M to Perl).
          const kept = base.filter(
            (l) => !READERS.some((r) => [...keys].some((k) => readWith(r, `${l}\n`).values?.has(k))),
          );
          const doc = ReadhashDocument.parse(kept.join('\n'));
          for (const [k, v] of Object.entries(x)) doc.set(k, v);
          const text = doc.toString();
          for (const [k, v] of Object.entries(x)) assertAllRead(text, k, v);
          const lines = text.split('\n');
          for (const l of kept) assert.ok(lines.includes(l), `kept ${JSON.stringify(l)}`);
          assert.ok(text.endsWith('\n'));
        }),
        { numRuns: 200 },
      );
    });
  });
});
