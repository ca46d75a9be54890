import assert from 'node:assert/strict';
import { ConfigFileError, parseConfig } from '@wanwatch/agent';

/** The error lines `parseConfig` reports for `text` read as `file`, or a failure if it is valid. */
export function configErrors(text: string, file: string): string[] {
  try {
    parseConfig(text, file);
  } catch (err) {
    assert.ok(err instanceof ConfigFileError, String(err));
    return err.lines();
  }
  assert.fail('the config was accepted');
}
