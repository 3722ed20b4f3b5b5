#!/bin/sh
# The Chinese catalog is complete: every source file with translatable strings is listed in
# locale/POTFILES.in, and every string of the template has a (non-fuzzy) translation.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 4
cd "$abs_top_srcdir" || exit 99

listed=$(grep -v '^#' locale/POTFILES.in | sed '/^$/d' | sort -u)
using=$(grep -l -E '\b(_|N_|P_)\("' client/*.[ch] client/*/*.[ch] tui/*.[ch] views/*.[ch] views/*/*.[ch] 2>/dev/null | sort -u)
printf '%s\n' "$listed" >"$TEST_TMP/listed"
unlisted=$(printf '%s\n' "$using" | comm -23 - "$TEST_TMP/listed")
tap_is "$unlisted" "" "every file that uses _() is in locale/POTFILES.in"

missing=0
for f in $listed; do [ -f "$f" ] || { echo "# listed but missing: $f"; missing=1; }; done
tap_ok $missing "every file in locale/POTFILES.in exists"

xgettext --keyword=_ --keyword=N_ --keyword=P_:1,2 --from-code=UTF-8 --language=C \
	-o "$TEST_TMP/paydesk.pot" $listed 2>"$TEST_TMP/xgettext.err"
tap_ok $? "xgettext extracts the template"

msgmerge --quiet -o "$TEST_TMP/merged.po" locale/zh_CN.po "$TEST_TMP/paydesk.pot" 2>/dev/null
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$TEST_TMP/merged.po" 2>&1)
case "$stats" in
*untranslated* | *fuzzy*)
	tap_ok 1 "locale/zh_CN.po translates every string ($stats)"
	for kind in --only-fuzzy --untranslated; do
		msgattrib $kind --no-wrap "$TEST_TMP/merged.po" 2>/dev/null |
			grep '^msgid "[^"]' | head -n 20 | sed "s/^/# $kind: /"
	done
	;;
*) tap_ok 0 "locale/zh_CN.po translates every string ($stats)" ;;
esac
tap_done
