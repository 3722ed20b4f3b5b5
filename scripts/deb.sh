#!/bin/sh
# Builds paydesk's Debian packages (debian/) from this tree with dpkg-buildpackage, checks
# them with lintian, and proves what they hold: the programs unpacked from the .debs, run
# by tests/install/smoke.sh with nothing else around them.
#
#   scripts/deb.sh             build, lintian, smoke test of the unpacked packages
#   scripts/deb.sh --install   then dpkg -i both and smoke-test the installed programs
#
# The packages land in build/deb/. The package's own make check is skipped unless
# DEB_BUILD_OPTIONS says otherwise (scripts/test.sh has just run the same tests).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
install=no
case "${1:-}" in
--install) install=yes ;;
"") ;;
*)
	echo "usage: $0 [--install]" >&2
	exit 2
	;;
esac

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The packaging tools, and the build dependencies debian/control names (scripts/deps.sh
# installs them all but the tools).
./scripts/deps.sh >/dev/null
missing=""
for p in dpkg-dev debhelper lintian; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deb: installing:$missing"
	as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install \
		-y -qq --no-install-recommends $missing >/dev/null
fi
dpkg-checkbuilddeps

version=$(dpkg-parsechangelog -S Version)
out="$top/build/deb"
src="$out/paydesk-$version"
rm -rf "$out"
mkdir -p "$src"

# The sources as the repository holds them (no build products); a tree that is not a git
# checkout is copied whole but for its build directories.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z | tr '\0' '\n' | while IFS= read -r f; do
		[ -e "$f" ] && printf '%s\n' "$f"
	done >"$out/files"
	tar -cf - -T "$out/files" | tar -xf - -C "$src"
else
	tar -cf - --exclude=./build --exclude=./_build --exclude=./.git . | tar -xf - -C "$src"
fi

echo "deb: building paydesk $version (log: build/deb/build.log)"
if ! (cd "$src" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS-nocheck parallel=2}" \
	dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; the whole log is build/deb/build.log" >&2
	exit 1
fi
ls "$out"/*.deb

echo "deb: lintian"
lintian --fail-on error --no-tag-display-limit "$out"/*.changes | tee "$out/lintian.log"

echo "deb: the unpacked packages, alone"
rm -rf "$out/root"
for deb in "$out"/*.deb; do
	dpkg-deb -x "$deb" "$out/root"
done
for p in paydesk paydesk-sandbox; do
	echo "deb: $p depends on: $(dpkg-deb -f "$out/${p}_${version}_"*.deb Depends)"
done
sh tests/install/smoke.sh "$out/root" /usr/bin /usr/share/man \
	/usr/share/bash-completion/completions

if [ "$install" = yes ]; then
	echo "deb: dpkg -i"
	as_root dpkg -i "$out/paydesk_${version}_"*.deb "$out/paydesk-sandbox_${version}_"*.deb
	sh tests/install/smoke.sh "" /usr/bin /usr/share/man /usr/share/bash-completion/completions
fi
