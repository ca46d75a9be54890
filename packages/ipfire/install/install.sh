#!/bin/bash
# Installs wanwatch on an IPFire 2.x box (run as root on the box).
#
#   ./install.sh --node /path/to/node-v20.x-linux-x64.tar.xz [--bundle ./wanwatch.mjs]
#
# IPFire ships no Node.js: give the official Node.js tarball (x64 or arm64;
# it needs glibc >= 2.28, IPFire has 2.42) or a node binary. The bundle is
# `npm run bundle`'s build/wanwatch.mjs. Installs:
#   /opt/wanwatch/bin/node, /opt/wanwatch/wanwatch.mjs
#   /usr/local/bin/wanwatch                  (the CLI: status, failover, failback…)
#   /etc/rc.d/init.d/wanwatch                (initscript)
#   /etc/rc.d/rc3.d/S45wanwatch              (start after network S20, sshd S30)
#   /etc/rc.d/rc0.d/K10wanwatch, rc6.d/K10wanwatch (stop before network K80)
#   /var/ipfire/wanwatch/wanwatch.yaml       (only if absent; from the example)
#   /var/ipfire/backup/addons/includes/wanwatch (the config goes into IPFire backups)
# Then starts wanwatch. --root DIR installs under DIR (tests, images).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT=""
NODE_SRC=""
BUNDLE="${HERE}/wanwatch.mjs"
CONFIG_SRC="${HERE}/wanwatch.yaml"
START=yes
while [ $# -gt 0 ]; do
	case "$1" in
		--root) ROOT="${2%/}"; shift 2 ;;
		--node) NODE_SRC="$2"; shift 2 ;;
		--bundle) BUNDLE="$2"; shift 2 ;;
		--config) CONFIG_SRC="$2"; shift 2 ;;
		--no-start) START=no; shift ;;
		*) echo "install.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "${NODE_SRC}" ] || { echo "install.sh: --node <node tarball or binary> is required (IPFire ships no Node.js)" >&2; exit 2; }
[ -f "${BUNDLE}" ] || { echo "install.sh: ${BUNDLE} not found (npm run bundle makes build/wanwatch.mjs)" >&2; exit 2; }
[ -z "${ROOT}" ] && [ ! -f /var/ipfire/ethernet/settings ] && { echo "install.sh: this is not an IPFire box" >&2; exit 2; }

PREFIX="${ROOT}/opt/wanwatch"
install -d -m 0755 "${PREFIX}/bin" "${ROOT}/usr/local/bin" "${ROOT}/etc/rc.d/init.d" \
	"${ROOT}/etc/rc.d/rc3.d" "${ROOT}/etc/rc.d/rc0.d" "${ROOT}/etc/rc.d/rc6.d" \
	"${ROOT}/var/ipfire/backup/addons/includes"
install -d -m 0700 "${ROOT}/var/ipfire/wanwatch"

case "${NODE_SRC}" in
	*.tar.xz|*.tar.gz)
		tmp="$(mktemp -d)"
		tar -xf "${NODE_SRC}" -C "${tmp}" --wildcards '*/bin/node'
		install -m 0755 "${tmp}"/*/bin/node "${PREFIX}/bin/node"
		rm -rf "${tmp}" ;;
	*) install -m 0755 "${NODE_SRC}" "${PREFIX}/bin/node" ;;
esac
install -m 0644 "${BUNDLE}" "${PREFIX}/wanwatch.mjs"
install -m 0754 "${HERE}/wanwatch.initscript" "${ROOT}/etc/rc.d/init.d/wanwatch"
cat > "${ROOT}/usr/local/bin/wanwatch" <<WRAP
#!/bin/sh
exec /opt/wanwatch/bin/node /opt/wanwatch/wanwatch.mjs "\$@"
WRAP
chmod 0755 "${ROOT}/usr/local/bin/wanwatch"
ln -sfn ../init.d/wanwatch "${ROOT}/etc/rc.d/rc3.d/S45wanwatch"
ln -sfn ../init.d/wanwatch "${ROOT}/etc/rc.d/rc0.d/K10wanwatch"
ln -sfn ../init.d/wanwatch "${ROOT}/etc/rc.d/rc6.d/K10wanwatch"
if [ ! -f "${ROOT}/var/ipfire/wanwatch/wanwatch.yaml" ] && [ -f "${CONFIG_SRC}" ]; then
	install -m 0600 "${CONFIG_SRC}" "${ROOT}/var/ipfire/wanwatch/wanwatch.yaml"
	echo "install.sh: edit /var/ipfire/wanwatch/wanwatch.yaml (profiles, interfaces, targets), then: /etc/init.d/wanwatch restart"
fi
echo "/var/ipfire/wanwatch/wanwatch.yaml" > "${ROOT}/var/ipfire/backup/addons/includes/wanwatch"
if [ "${START}" = yes ] && [ -z "${ROOT}" ]; then
	/etc/rc.d/init.d/wanwatch start
fi
echo "install.sh: wanwatch installed"
