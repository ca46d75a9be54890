/** `wanwatch demo`. */
import { runDemo } from '../../demo/demo.js';
import { EXIT } from '../args.js';
import { out } from '../output.js';

export async function demo(): Promise<number> {
  await runDemo((line) => out(line));
  return EXIT.ok;
}
