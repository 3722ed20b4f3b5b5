#!/bin/sh
# Installs the Debian packages paydesk needs to build, test and run its demo -- only those
# that are missing -- and generates the locales its tests use. Safe to run again.
set -eu

# Real package names only: a virtual name (cups-pdf is one) is never "installed", so it
# would send every run to apt-get. tests/unit/test_deps.sh checks the list.
packages="gcc make autoconf automake autopoint gettext pkg-config
libncurses-dev libsqlite3-dev libcurl4-openssl-dev libjansson-dev libmicrohttpd-dev
libcmocka-dev libcairo2-dev libpango1.0-dev libssl-dev zlib1g-dev libzip-dev
fonts-noto-cjk fonts-dejavu-core
locales tmux sqlite3 jq curl time poppler-utils cups cups-client printer-driver-cups-pdf
ca-certificates openssl bash-completion
groff-base man-db mandoc"

if [ "${1:-}" = "--list" ]; then
	printf '%s\n' $packages
	exit 0
fi

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Another apt (an unattended upgrade, a second shell) may hold the lock: wait for it, up to
# ten minutes, rather than fail at once.
apt_wait="-o DPkg::Lock::Timeout=600"

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	tries=0
	# shellcheck disable=SC2086
	until as_root apt-get $apt_wait update -qq; do
		tries=$((tries + 1))
		[ $tries -lt 20 ] || { echo "deps: apt-get update keeps failing" >&2; exit 1; }
		echo "deps: apt-get update failed (another apt running?); trying again in 30 s" >&2
		sleep 30
	done
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get $apt_wait install -y -qq \
		--no-install-recommends $missing
else
	echo "deps: all Debian packages present"
fi

# The screens and tests are checked in English and Simplified Chinese.
need_locales=""
for l in en_US.UTF-8 zh_CN.UTF-8; do
	norm=$(echo "$l" | sed 's/UTF-8/utf8/')
	locale -a 2>/dev/null | grep -qx "$norm" || need_locales="$need_locales $l"
done
if [ -n "$need_locales" ]; then
	echo "deps: generating locales:$need_locales"
	for l in $need_locales; do
		as_root localedef -i "${l%%.*}" -f UTF-8 "$l"
	done
fi
