#!/bin/sh
# Installs the Debian packages paydesk needs to build, test and run its demo -- only those
# that are missing -- and generates the locales its tests use. Safe to run again.
set -eu

packages="gcc make autoconf automake autopoint gettext pkg-config
libncurses-dev libsqlite3-dev libcurl4-openssl-dev libjansson-dev libmicrohttpd-dev
libcmocka-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk fonts-dejavu-core
locales tmux sqlite3 jq curl poppler-utils cups cups-client cups-pdf ca-certificates openssl"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	as_root apt-get update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
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
