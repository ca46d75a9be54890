// `npm run cli-docs`: writes the agent's man page and shell completions from
// its command table (packages/agent/src/cli/table.ts), into the files the
// package ships. A test (packages/agent/test/cli-docs.test.ts) fails when
// they are not current. Run after `npm run build`.
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { bashCompletion, manPage, zshCompletion } = await import(join(ROOT, 'packages/agent/dist/cli/docs.js'));

export const CLI_DOCS = {
  'packages/agent/man/wanwatch.1': manPage(),
  'packages/agent/completion/wanwatch.bash': bashCompletion(),
  'packages/agent/completion/_wanwatch': zshCompletion(),
};

for (const [file, text] of Object.entries(CLI_DOCS)) {
  writeFileSync(join(ROOT, file), text);
  console.log(`wrote ${file}`);
}
