#!/bin/sh
# keepalived notify script: keepalived calls it with TYPE NAME STATE PRIORITY
# (e.g. INSTANCE LAN MASTER 150). It writes that line to the file wanwatch
# reads at start-up (ha.keepalived.stateFile), atomically (write, then rename),
# so the agent never reads half a line. Install as
# /usr/local/lib/wanwatch/keepalived-notify-state.sh, owned by root, mode 0755.
set -eu
dir=/run/wanwatch
mkdir -p "$dir"
printf '%s %s %s %s\n' "$1" "$2" "$3" "${4:-}" > "$dir/keepalived.state.tmp"
mv -f "$dir/keepalived.state.tmp" "$dir/keepalived.state"
