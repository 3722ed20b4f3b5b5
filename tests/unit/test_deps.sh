#!/bin/sh
# scripts/deps.sh names real Debian packages: once it has run, each of them is installed, so
# that the next run (every start of the demo) finds nothing missing and never calls apt-get.
# A virtual name (cups-pdf, which printer-driver-cups-pdf provides) would never count as
# installed.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 2
command -v dpkg-query >/dev/null 2>&1 || { echo "ok 1 # SKIP no dpkg"; echo "ok 2 # SKIP no dpkg"; exit 0; }

absent=""
for p in $("$abs_top_srcdir/scripts/deps.sh" --list); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		absent="$absent $p"
done
tap_is "$absent" "" "every package deps.sh names is installed under that name"

# And so deps.sh itself has nothing to do (it would print what it installs). Only run when
# the first check passed: otherwise it would try to install.
if [ -n "$absent" ]; then
	echo "ok 2 # SKIP packages are missing"
	tap_done
fi
out=$("$abs_top_srcdir/scripts/deps.sh" 2>&1)
case "$out" in
*"all Debian packages present"*) tap_ok 0 "deps.sh finds nothing missing" ;;
*) tap_ok 1 "deps.sh finds nothing missing"; printf '%s\n' "$out" | sed 's/^/# /' ;;
esac
tap_done
