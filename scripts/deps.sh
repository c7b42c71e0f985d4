# SPDX-License-Identifier: Apache-2.0
# deps.sh - sourced by scripts/test and scripts/demo: installs the Debian
# packages Followme needs to build and test, if any are missing.

FM_DEB_PACKAGES="cmake gcc g++ make pkg-config clang clang-format
libmicrohttpd-dev libjs-bootstrap5 libjs-chart.js chromium chromium-driver
python3-selenium
libclang-rt-14-dev libcups2-dev libnfc-dev libnfc-bin libpam0g-dev
libsqlite3-dev sqlite3 libmbedtls-dev libqpdf-dev qpdf zlib1g-dev libinih-dev
libqrencode-dev zbar-tools librsvg2-bin
libncurses-dev cups cups-daemon cups-client cups-core-drivers cups-filters
cups-ipp-utils dbus libpam-wrapper pamtester ghostscript openssl tmux python3 bc
gettext
iproute2 libldap-dev slapd ldap-utils
libxkbcommon-dev xkb-data
procps psmisc util-linux passwd tzdata systemd strace
dpkg-dev debhelper lintian fakeroot"

fm_as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		sudo "$@"
	fi
}

fm_install_deps() {
	missing=""
	for p in $FM_DEB_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		return 0
	fi
	echo "==> Installing missing Debian packages:$missing"
	fm_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	fm_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing >/dev/null
}

# The test and demo stacks need a few local accounts: the unprivileged
# followme daemon user, the web console's HTTP side and two staff
# members who print.
fm_ensure_users() {
	getent group lp >/dev/null || fm_as_root groupadd -r lp
	getent passwd followme >/dev/null ||
		fm_as_root useradd -r -d /nonexistent -s /usr/sbin/nologin followme
	getent passwd followme-web >/dev/null ||
		fm_as_root useradd -r -d /nonexistent -s /usr/sbin/nologin followme-web
	for u in fmalice fmbob; do
		getent passwd "$u" >/dev/null ||
			fm_as_root useradd -m -s /bin/sh -c "Test user $u" "$u"
	done
}
