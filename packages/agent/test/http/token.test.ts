import assert from 'node:assert/strict';
import { chmodSync, utimesSync, writeFileSync } from 'node:fs';
import { ControlError, RateLimit, TokenFile } from '@wanwatch/agent';
import { TempDir } from '../support/tmp.js';

describe('API token file and rate limit', () => {
  let dir: TempDir;
  beforeEach(() => (dir = new TempDir()));
  afterEach(() => dir.remove());

  it('accepts only the token in the file, and a rotated token at once without a restart', () => {
    const file = dir.file('token', 'first-token-0123456789\n', 0o600);
    const token = new TokenFile(file);
    assert.equal(token.accepts('Bearer first-token-0123456789'), true);
    assert.equal(token.accepts('bearer   first-token-0123456789 '), true);
    assert.equal(token.accepts('Bearer first-token-012345678'), false);
    assert.equal(token.accepts('Basic Zmlyc3Q='), false);
    assert.equal(token.accepts(undefined), false);
    writeFileSync(file, 'second-token-012345678\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a different mtime even on coarse file systems
    assert.equal(token.accepts('Bearer first-token-0123456789'), false);
    assert.equal(token.accepts('Bearer second-token-012345678'), true);
  });

  it('refuses every request once the file is readable by others, naming the problem', () => {
    const file = dir.file('token', 'first-token-0123456789\n', 0o600);
    const token = new TokenFile(file);
    assert.equal(token.accepts('Bearer first-token-0123456789'), true);
    chmodSync(file, 0o640);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.throws(
      () => token.accepts('Bearer first-token-0123456789'),
      (err: unknown) => err instanceof ControlError && err.code === 'E_TOKEN_FILE' && /mode 640/.test(err.message),
    );
  });

  it('allows a burst of perMinute changes, then one every 60/perMinute seconds', () => {
    let now = 0;
    const limit = new RateLimit(6, () => now);
    for (let i = 0; i < 6; i++) assert.equal(limit.take(), 0, `change ${i + 1}`);
    assert.equal(limit.take(), 10_000);
    now = 9_999;
    assert.equal(limit.take(), 1);
    now = 10_000;
    assert.equal(limit.take(), 0);
    now = 10_000 + 3_600_000; // refills to the burst size, never beyond
    for (let i = 0; i < 6; i++) assert.equal(limit.take(), 0);
    assert.ok(limit.take() > 0);
  });
});
