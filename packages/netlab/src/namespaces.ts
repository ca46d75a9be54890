/**
 * Creating and removing lab namespaces, and sweeping the leftovers of
 * crashed runs. A namespace is stale when the process named in its prefix
 * is gone; processes still inside a stale namespace were started by that
 * lab run (its agents) and are ended by pid before the namespace goes.
 */
import { NetlabError } from './errors.js';
import { ip, ipIn } from './exec.js';
import { assertLabNamespace, belongsToRun, NAMESPACE_PREFIX, ownerPid } from './names.js';

/** Lab namespaces present now (names only). */
export async function listLabNamespaces(): Promise<string[]> {
  const { stdout } = await ip(['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(NAMESPACE_PREFIX));
}

/** Makes namespace `ns` with its loopback up. */
export async function createNamespace(ns: string): Promise<void> {
  assertLabNamespace(ns);
  await ip(['netns', 'add', ns]);
  await ipIn(ns, ['link', 'set', 'lo', 'up']);
}

/** Removes `ns` after ending the processes inside it. Never throws; returns false if it is still there. */
export async function removeNamespace(ns: string): Promise<boolean> {
  assertLabNamespace(ns);
  const pids = await ip(['netns', 'pids', ns], { allowFailure: true });
  for (const pid of pids.stdout
    .split('\n')
    .map(Number)
    .filter((p) => Number.isInteger(p) && p > 1)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const res = await ip(['netns', 'delete', ns], { allowFailure: true });
  return res.ok || /No such file/.test(res.stderr);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes lab namespaces whose owning process is gone (crashed runs), plus
 * every namespace of `runId` when given. Namespaces of live runs stay.
 * Returns the names removed.
 */
export async function sweepNamespaces(runId?: string): Promise<string[]> {
  const removed: string[] = [];
  for (const ns of await listLabNamespaces()) {
    const pid = ownerPid(ns);
    if (pid === null) continue;
    const mine = runId !== undefined && belongsToRun(ns, runId);
    if (mine || (pid !== process.pid && !alive(pid))) {
      if (await removeNamespace(ns)) removed.push(ns);
    }
  }
  return removed;
}

/** Throws `E_COMMAND` when namespaces of `runId` are still present after clean-up. */
export async function assertRunGone(runId: string): Promise<void> {
  const left = (await listLabNamespaces()).filter((ns) => belongsToRun(ns, runId));
  if (left.length > 0) throw new NetlabError('E_COMMAND', `lab namespaces left behind: ${left.join(', ')}`);
}
