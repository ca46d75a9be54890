/**
 * Paths of the lab's agent scripts. Agents always run from the compiled
 * dist/agents (plain Node, no loader, fast start), also when the lab itself
 * is loaded from src by a test: this file sits one level below the package
 * root in both cases.
 */
import { fileURLToPath } from 'node:url';

export type AgentScript = 'services' | 'meter-sender' | 'meter-receiver' | 'echo-responder';

/** Absolute path of an agent script. */
export function agentScript(name: AgentScript): string {
  return fileURLToPath(new URL(`../dist/agents/${name}.js`, import.meta.url));
}
