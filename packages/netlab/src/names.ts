/**
 * Names the lab gives to namespaces and devices, and the checks that keep
 * it inside its own sandbox: every namespace carries the per-run prefix
 * `ww-<pid>-<random>-`, so a sweep can tell a crashed run's leftovers (its
 * pid is gone) from a run still in progress.
 */
import { randomBytes } from 'node:crypto';
import { NetlabError } from './errors.js';

/** Every lab namespace starts with this. */
export const NAMESPACE_PREFIX = 'ww-';

const RUN_NS = /^ww-(\d{1,10})-([0-9a-f]{6})-([a-z0-9]{1,12})$/;
const DEVICE = /^[A-Za-z0-9_-]{1,15}$/;

/** A fresh run id: this process's pid plus randomness, so two labs of one process never collide. */
export function newRunId(): string {
  return `${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The namespace of `role` (e.g. `r`, `isp1`, `inet`, `lan`) in run `runId`. */
export function namespaceName(runId: string, role: string): string {
  const name = `${NAMESPACE_PREFIX}${runId}-${role}`;
  if (!RUN_NS.test(name)) throw new NetlabError('E_INVALID_NAME', `invalid lab namespace name ${JSON.stringify(name)}`);
  return name;
}

/** The pid of the run that made `ns`, or null when `ns` is not a lab namespace. */
export function ownerPid(ns: string): number | null {
  const m = RUN_NS.exec(ns);
  return m ? Number(m[1]) : null;
}

/** True when `ns` was made by run `runId`. */
export function belongsToRun(ns: string, runId: string): boolean {
  return RUN_NS.test(ns) && ns.startsWith(`${NAMESPACE_PREFIX}${runId}-`);
}

/** Throws unless `ns` is a lab namespace: the lab never runs a command anywhere else. */
export function assertLabNamespace(ns: string): void {
  if (!RUN_NS.test(ns))
    throw new NetlabError('E_UNSAFE', `refusing to touch ${JSON.stringify(ns)}: not a lab namespace`);
}

/** Throws unless `name` is a plain Linux device name (at most 15 characters, no separators). */
export function assertDeviceName(name: string): void {
  if (!DEVICE.test(name)) throw new NetlabError('E_INVALID_NAME', `invalid device name ${JSON.stringify(name)}`);
}
