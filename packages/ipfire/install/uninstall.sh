#!/bin/bash
# Removes wanwatch from an IPFire box. RED stays on the profile it is on;
# the config, state and backups in /var/ipfire/wanwatch/ stay unless --purge.
# If RED is on a backup profile, switch back first: `wanwatch failover --to <primary>`
# (or hang up and dial the primary in the web interface).
set -euo pipefail
ROOT=""
PURGE=no
while [ $# -gt 0 ]; do
	case "$1" in
		--root) ROOT="${2%/}"; shift 2 ;;
		--purge) PURGE=yes; shift ;;
		*) echo "uninstall.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
if [ -z "${ROOT}" ] && [ -x /etc/rc.d/init.d/wanwatch ]; then
	/etc/rc.d/init.d/wanwatch stop || true
fi
if [ -f "${ROOT}/var/ipfire/red/current-profile" ]; then
	echo "uninstall.sh: RED stays on profile $(cat "${ROOT}/var/ipfire/red/current-profile")"
fi
rm -f "${ROOT}/etc/rc.d/rc3.d/S45wanwatch" "${ROOT}/etc/rc.d/rc3.d/off/S45wanwatch" \
	"${ROOT}/etc/rc.d/rc0.d/K10wanwatch" "${ROOT}/etc/rc.d/rc6.d/K10wanwatch" \
	"${ROOT}/etc/rc.d/init.d/wanwatch" "${ROOT}/usr/local/bin/wanwatch" \
	"${ROOT}/var/ipfire/backup/addons/includes/wanwatch" "${ROOT}/var/run/wanwatch.pid"
rm -rf "${ROOT}/opt/wanwatch"
if [ "${PURGE}" = yes ]; then
	rm -rf "${ROOT}/var/ipfire/wanwatch" "${ROOT}/var/ipfire/red/current-profile"
fi
echo "uninstall.sh: wanwatch removed"
