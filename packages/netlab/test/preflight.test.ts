import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sinon from 'sinon';
import { checkEnvironment } from '../src/preflight.js';
import { NetlabError } from '../src/errors.js';

describe('netlab preflight', () => {
  afterEach(() => sinon.restore());

  it('says the lab needs root when run as another user', async () => {
    sinon.stub(process, 'getuid').returns(1000);
    await assert.rejects(checkEnvironment(), (err: unknown) => {
      assert.ok(err instanceof NetlabError);
      assert.equal(err.code, 'E_NOT_ROOT');
      assert.match(err.message, /needs root/);
      return true;
    });
  });

  it('names the missing tools and the Debian packages that bring them', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ww-nopath-'));
    const path = process.env.PATH;
    process.env.PATH = empty;
    try {
      await assert.rejects(checkEnvironment(), (err: unknown) => {
        assert.ok(err instanceof NetlabError);
        assert.equal(err.code, 'E_MISSING_TOOL');
        assert.match(err.message, /apt-get install -y iproute2 nftables procps/);
        return true;
      });
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true });
    }
  });

  it('passes on this machine (root, iproute2, nftables, procps)', async () => {
    await checkEnvironment();
  });
});
