/**
 * `npm run demo` (without a lab): the agent's simulated demo, the same as
 * `wanwatch demo` — the real engine driving two simulated uplinks through a
 * scripted day in virtual time. No network, no root.
 */
import { runDemo } from '@wanwatch/agent';

runDemo((line) => console.log(line)).catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
