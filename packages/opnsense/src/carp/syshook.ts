/**
 * The CARP syshook. devd turns a CARP transition into
 * `configctl interface carp <vhid>@<dev> <MASTER|BACKUP|INIT>`, and
 * rc.syshook runs every file of `/usr/local/etc/rc.syshook.d/carp/` in
 * sorted order with those two arguments. Ours validates them, leaves the
 * state in a file (so that an agent that is down finds it), and forwards
 * the event to the agent's socket with `nc -U`. It exits 0 when only the
 * forwarding failed: a failing hook makes rc.syshook report an error, and
 * the state file already holds the event.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@wanwatch/core';
import { CARP_DEFAULTS } from './role-source.js';

/** Where OPNsense looks for CARP hooks. */
export const SYSHOOK_DIR = '/usr/local/etc/rc.syshook.d/carp';
/** Our hook's file name: 60 runs after the core (20-…) and plugin (50-…) hooks. */
export const SYSHOOK_NAME = '60-wanwatch';

/** What the script is built with. */
export interface SyshookOptions {
  readonly socket?: string;
  readonly stateDir?: string;
  /** FreeBSD's netcat (supports -U and -N). Default `/usr/bin/nc`. */
  readonly nc?: string;
}

const safe = (what: string, value: string): string => {
  if (!/^\/[A-Za-z0-9_./-]*$/.test(value))
    throw new RangeError(`${what} must be a plain absolute path, not ${JSON.stringify(value)}`);
  return value;
};

/**
 * The hook's text. Paths are checked to be plain absolute paths: they are
 * written into a shell script.
 *
 * @example
 * ```ts
 * writeFileSync('/usr/local/etc/rc.syshook.d/carp/60-wanwatch', syshookScript(), { mode: 0o755 });
 * ```
 */
export function syshookScript(options: SyshookOptions = {}): string {
  const socket = safe('socket', options.socket ?? CARP_DEFAULTS.socket);
  const stateDir = safe('stateDir', options.stateDir ?? CARP_DEFAULTS.stateDir);
  const nc = safe('nc', options.nc ?? '/usr/bin/nc');
  return `#!/bin/sh
# wanwatch CARP hook (written by wanwatch; see examples/opnsense/README.md).
# rc.syshook runs it as: ${SYSHOOK_NAME} <vhid>@<device> <MASTER|BACKUP|INIT>
# It leaves the state in ${stateDir}/<vhid>@<device> and tells the wanwatch
# agent over ${socket}. The environment may override the paths (tests).

SOCKET="\${WANWATCH_CARP_SOCKET:-${socket}}"
STATE_DIR="\${WANWATCH_CARP_STATE_DIR:-${stateDir}}"
NC="\${WANWATCH_NC:-${nc}}"

subsystem="$1"
type="$2"

case "$subsystem" in
	*[!0-9a-z_.@]*|"") echo "wanwatch: bad CARP subsystem '$subsystem'" >&2; exit 1 ;;
	[0-9]*@[0-9a-z_.]*) ;;
	*) echo "wanwatch: bad CARP subsystem '$subsystem'" >&2; exit 1 ;;
esac
case "$type" in
	MASTER|BACKUP|INIT) ;;
	*) echo "wanwatch: bad CARP type '$type'" >&2; exit 1 ;;
esac
if [ $# -ne 2 ]; then
	echo "wanwatch: expected 2 arguments, got $#" >&2
	exit 1
fi

mkdir -p "$STATE_DIR" || exit 1
tmp="$STATE_DIR/.$subsystem.$$"
printf '%s %s\\n' "$type" "$(date +%s)" > "$tmp" && mv -f "$tmp" "$STATE_DIR/$subsystem" || exit 1

if [ -S "$SOCKET" ] && printf '%s %s\\n' "$subsystem" "$type" | "$NC" -N -U "$SOCKET" >/dev/null 2>&1; then
	exit 0
fi
logger -t wanwatch "CARP $subsystem $type: the agent did not take it; state left in $STATE_DIR/$subsystem" 2>/dev/null
exit 0
`;
}

/**
 * Writes the hook (atomically, mode 0755) into `dir` (default the OPNsense
 * CARP hook directory); resolves with its path.
 */
export async function installSyshook(options: SyshookOptions & { readonly dir?: string } = {}): Promise<string> {
  const file = join(options.dir ?? SYSHOOK_DIR, SYSHOOK_NAME);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, syshookScript(options), { mode: 0o755 });
  return file;
}
