#!/bin/sh
# configure names the Debian package to install when a library is missing.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 3

# A pkg-config search path holding every module but jansson.
mkdir -p "$TEST_TMP/pc" "$TEST_TMP/build"
for dir in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
	[ -d "$dir" ] && cp -n "$dir"/*.pc "$TEST_TMP/pc/" 2>/dev/null
done
rm -f "$TEST_TMP/pc/jansson.pc"

cd "$TEST_TMP/build" || exit 99
PKG_CONFIG_LIBDIR="$TEST_TMP/pc" PKG_CONFIG_PATH= "$abs_top_srcdir/configure" \
	--cache-file=/dev/null >"$TEST_TMP/out" 2>&1
st=$?
tap_ok $((st == 0)) "configure fails without jansson"
grep -q "apt-get install libjansson-dev" "$TEST_TMP/out"
tap_ok $? "the message names libjansson-dev"
grep -q "jansson" "$TEST_TMP/out" && ! grep -q "apt-get install libcurl" "$TEST_TMP/out"
tap_ok $? "only the missing library is named"
[ $tap_failed -eq 0 ] || tail -n 5 "$TEST_TMP/out" | sed 's/^/# /'
tap_done
