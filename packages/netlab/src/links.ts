/**
 * Waiting for links. The kernel reports a veth's carrier through linkwatch,
 * which may take up to a second; until then the device drops what it is
 * given (its qdisc is still noop). The lab waits for that after every
 * change so that no test mistakes it for a fault.
 */
import { NetlabError } from './errors.js';
import { ipIn } from './exec.js';

const POLL_MS = 20;

interface LinkInfo {
  ifname: string;
  operstate?: string;
  flags?: string[];
}

/** Resolves when every device of `ns` (or those named) that is admin-up has operstate UP. */
export async function waitLinksUp(ns: string, devices?: readonly string[], timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending: string[] = [];
  for (let k = 0; k < Math.ceil(timeoutMs / POLL_MS) + 1; k++) {
    const { stdout } = await ipIn(ns, ['-j', 'link', 'show']);
    const links = JSON.parse(stdout) as LinkInfo[];
    pending = links
      .filter((l) => l.ifname !== 'lo' && (devices ? devices.includes(l.ifname) : (l.flags ?? []).includes('UP')))
      .filter((l) => l.operstate !== 'UP')
      .map((l) => l.ifname);
    if (devices) pending.push(...devices.filter((d) => !links.some((l) => l.ifname === d)));
    if (pending.length === 0 || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  if (pending.length > 0)
    throw new NetlabError('E_TIMEOUT', `links in ${ns} not up after ${timeoutMs} ms: ${pending.join(', ')}`);
}
