/**
 * Conformance of the emulated readers with the rules of IPFire's four
 * parsers (reference §3.4): one row per tricky line, what each reader
 * makes of it. `FAIL` = the reader fails on the whole file; undefined =
 * the key is not seen.
 */
import assert from 'node:assert/strict';
import { READERS, readShell, readWith, type ReaderName } from '../../src/readhash/readers.js';

const FAIL = Symbol('the whole read fails');
type Want = string | undefined | typeof FAIL;

interface Row {
  readonly what: string;
  readonly text: string;
  readonly key: string;
  readonly want: Readonly<Record<ReaderName, Want>>;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

const ROWS: readonly Row[] = [
  {
    what: 'a plain value',
    text: 'PASSWORD=s3cr3t\n',
    key: 'PASSWORD',
    want: { shell: 's3cr3t', perl: 's3cr3t', c: 's3cr3t', functions: 's3cr3t' },
  },
  {
    what: 'a quoted value with a space (the functions reader keeps the quotes)',
    text: "PROFILENAME='My ISP'\n",
    key: 'PROFILENAME',
    want: { shell: 'My ISP', perl: 'My ISP', c: 'My ISP', functions: "'My ISP'" },
  },
  {
    what: 'a run of spaces inside quotes (collapsed by the shell)',
    text: "PROFILENAME='a  b'\n",
    key: 'PROFILENAME',
    want: { shell: 'a b', perl: 'a  b', c: 'a  b', functions: "'a  b'" },
  },
  {
    what: 'a ! in a password',
    text: 'PASSWORD=pa!ss\n',
    key: 'PASSWORD',
    want: { shell: undefined, perl: 'pa!ss', c: 'pa!ss', functions: undefined },
  },
  {
    what: 'a $ in a password',
    text: 'PASSWORD=pa$HOME\n',
    key: 'PASSWORD',
    want: { shell: undefined, perl: 'pa$HOME', c: 'pa$HOME', functions: undefined },
  },
  {
    what: "a ' in a quoted password",
    text: "PASSWORD='it's'\n",
    key: 'PASSWORD',
    want: { shell: undefined, perl: "it's", c: "it's", functions: undefined },
  },
  {
    what: 'a last line without newline (Perl chops its last character)',
    text: 'A=1\nMTU=1492',
    key: 'MTU',
    want: { shell: '1492', perl: '149', c: '1492', functions: undefined },
  },
  {
    what: 'CRLF line ends',
    text: 'RED_TYPE=PPPOE\r\n',
    key: 'RED_TYPE',
    want: { shell: undefined, perl: 'PPPOE\r', c: 'PPPOE\r', functions: undefined },
  },
  {
    what: 'a quoted value with CRLF (C cuts at the last quote)',
    text: "PROFILENAME='My ISP'\r\n",
    key: 'PROFILENAME',
    want: { shell: undefined, perl: "My ISP'\r", c: 'My ISP', functions: undefined },
  },
  {
    what: 'a duplicate key (C finds the first)',
    text: 'MAXRETRIES=1\nMAXRETRIES=2\n',
    key: 'MAXRETRIES',
    want: { shell: '2', perl: '2', c: '1', functions: '2' },
  },
  {
    what: 'a comment (fails the C read)',
    text: '# written by hand\nRED_DEV=red0\n',
    key: 'RED_DEV',
    want: { shell: 'red0', perl: 'red0', c: FAIL, functions: 'red0' },
  },
  {
    what: 'a _DESCRIPTION line (\'"pci: …"\')',
    text: `RED_DESCRIPTION='"pci: Intel Corporation 82574L"'\n`,
    key: 'RED_DESCRIPTION',
    want: {
      shell: undefined,
      perl: '"pci: Intel Corporation 82574L"',
      c: '"pci: Intel Corporation 82574L"',
      functions: undefined,
    },
  },
  {
    what: 'non-ASCII bytes',
    text: utf8('PROFILENAME=Müller\n'),
    key: 'PROFILENAME',
    want: { shell: undefined, perl: utf8('Müller'), c: utf8('Müller'), functions: undefined },
  },
  {
    what: 'a trailing space',
    text: 'USERNAME=joe \n',
    key: 'USERNAME',
    want: { shell: undefined, perl: 'joe ', c: 'joe ', functions: 'joe' },
  },
  {
    what: 'spaces around =',
    text: 'MTU = 1492\n',
    key: 'MTU',
    want: { shell: undefined, perl: ' 1492', c: undefined, functions: undefined },
  },
  {
    what: 'an empty value',
    text: 'APN=\n',
    key: 'APN',
    want: { shell: '', perl: '', c: '', functions: '' },
  },
  {
    what: 'a value with = and the other allowed symbols',
    text: 'PPTP_NICCFG=192.0.2.140/24,a:b%c_d@e#f+g-h=i\n',
    key: 'PPTP_NICCFG',
    want: {
      shell: '192.0.2.140/24,a:b%c_d@e#f+g-h=i',
      perl: '192.0.2.140/24,a:b%c_d@e#f+g-h=i',
      c: '192.0.2.140/24,a:b%c_d@e#f+g-h=i',
      functions: '192.0.2.140/24,a:b%c_d@e#f+g-h=i',
    },
  },
];

describe('the emulated IPFire readers (conformance table)', () => {
  for (const row of ROWS) {
    it(`read ${row.what} as IPFire's parsers do`, () => {
      for (const reader of READERS) {
        const { values } = readWith(reader, row.text);
        const got: Want = values === null ? FAIL : values.get(row.key);
        assert.equal(got, row.want[reader], `${reader} reader on ${JSON.stringify(row.text)}`);
      }
    });
  }

  it('shows that the shell reader would run a line with a command before the assignment', () => {
    const result = readShell('echo pwned;RED_DEV=red0\nRED_TYPE=DHCP\n');
    assert.deepEqual(result.executed, ['echo pwned;RED_DEV=red0']);
    assert.equal(result.values?.get('RED_TYPE'), 'DHCP');
    assert.equal(result.values?.get('RED_DEV'), undefined);
  });

  it('fails the C read on a line longer than its 1024-byte buffer', () => {
    const { values } = readWith('c', `LONG=${'x'.repeat(1100)}\n`);
    assert.equal(values, null);
  });
});
