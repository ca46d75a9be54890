import assert from 'node:assert/strict';
import { HANDLERS } from '../src/cli/handlers.js';
import { COMMAND_TABLE } from '../src/cli/table.js';

describe('the CLI command table and its handlers', () => {
  it('runs every command of the table, and nothing the table does not describe', async () => {
    assert.deepEqual(Object.keys(HANDLERS).sort(), COMMAND_TABLE.map((c) => c.name).sort());
    for (const [name, load] of Object.entries(HANDLERS)) assert.equal(typeof (await load()), 'function', name);
  });
});
