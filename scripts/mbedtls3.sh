#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# scripts/mbedtls3.sh DIR - unpack Debian 13's mbedTLS 3.6 (libmbedtls-dev
# and its three libraries) into DIR without installing anything.
#
# A private apt directory under DIR holds a Debian 13 (trixie) sources
# list, its package lists and the downloaded .debs; nothing of the
# machine's apt state or dpkg database is read or changed.  The packages
# are unpacked with dpkg -x into DIR/root, so that
#   DIR/root/usr/include/mbedtls/   and   DIR/root/usr/lib/<triplet>/
# hold mbedTLS 3.6.  The libraries need only glibc 2.25, so Debian 12 runs
# them.  Prints the prefix (DIR/root/usr) on stdout on success; exits
# non-zero, saying why on stderr, when the archive cannot be reached.
#
# Environment: FM_DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

dir=${1:?usage: scripts/mbedtls3.sh DIR}
mirror=${FM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
apt="$dir/apt"
root="$dir/root"
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null ||
	gcc -print-multiarch)

# Unpacked by a run less than a week ago: reuse it (a week: Debian 13's
# security updates of mbedTLS are picked up without a download per run).
if [ -f "$root/usr/include/mbedtls/build_info.h" ] &&
	[ -n "$(find "$dir/.complete" -mtime -7 2>/dev/null)" ]; then
	echo "$root/usr"
	exit 0
fi

if [ ! -r "$keyring" ]; then
	echo "mbedtls3: $keyring is missing (package debian-archive-keyring)" >&2
	exit 1
fi

rm -rf "$apt" "$root" "$dir/.complete"
mkdir -p "$apt/etc/sources.list.d" "$apt/etc/preferences.d" \
	"$apt/etc/apt.conf.d" "$apt/state/lists/partial" \
	"$apt/cache/archives/partial" "$dir/debs" "$root"
: >"$apt/status"
echo "deb [signed-by=$keyring] $mirror trixie main" >"$apt/etc/sources.list"

aptopts=(
	-o "Dir::Etc=$apt/etc"
	-o "Dir::Etc::sourcelist=$apt/etc/sources.list"
	-o "Dir::Etc::sourceparts=$apt/etc/sources.list.d"
	-o "Dir::Etc::preferencesparts=$apt/etc/preferences.d"
	-o "Dir::Etc::parts=$apt/etc/apt.conf.d"
	-o "Dir::State=$apt/state"
	-o "Dir::State::status=$apt/status"
	-o "Dir::Cache=$apt/cache"
	-o "Debug::NoLocking=1"
	-o "APT::Get::List-Cleanup=0"
	-o "Acquire::Languages=none"
	-o "Acquire::Retries=2"
	-o "Acquire::http::Timeout=30"
)

# --error-on=any: a list that could not be fetched is a failure, not a
# warning.
if ! apt-get "${aptopts[@]}" -qq --error-on=any update \
	>"$dir/apt-update.log" 2>&1; then
	echo "mbedtls3: cannot read Debian 13's package lists from $mirror" \
		"(see $dir/apt-update.log)" >&2
	exit 1
fi

# The development package names its libraries; take their exact names
# (libmbedtls21, libmbedx509-7, libmbedcrypto16 in trixie) from its
# Depends rather than hard-coding them.
libs=$( (apt-cache "${aptopts[@]}" depends libmbedtls-dev 2>/dev/null ||
	true) | sed -n 's/^ *Depends: \(libmbed[a-z0-9-]*\).*/\1/p' | sort -u)
if [ -z "$libs" ]; then
	echo "mbedtls3: libmbedtls-dev is not in Debian 13's package lists" >&2
	exit 1
fi
# shellcheck disable=SC2086
if ! (cd "$dir/debs" && apt-get "${aptopts[@]}" -qq download \
	libmbedtls-dev $libs >"$dir/apt-download.log" 2>&1); then
	echo "mbedtls3: apt-get download failed (see $dir/apt-download.log)" >&2
	exit 1
fi
for deb in "$dir"/debs/*.deb; do
	dpkg -x "$deb" "$root"
done

if [ ! -f "$root/usr/include/mbedtls/build_info.h" ] ||
	[ ! -e "$root/usr/lib/$triplet/libmbedtls.so" ]; then
	echo "mbedtls3: the unpacked packages lack mbedTLS 3 headers or" \
		"libraries" >&2
	exit 1
fi
touch "$dir/.complete"
echo "$root/usr"
