#!/bin/sh
# The repository stands alone: no source, script or build file reads a path outside it (a
# folder beside the clone), and what the tests read from tests/fixtures is there.
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 2
cd "$abs_top_srcdir" || exit 99

# The pattern is built so that this file does not match itself.
up="\.\./"
hits=$(grep -rnE "(${up}shared|shared/reference)" --include='*.c' --include='*.h' \
	--include='*.sh' --include='*.am' --include='*.mk' --include='*.ac' --include='run' \
	client tui views sandbox tests bench scripts .ci Makefile.am configure.ac 2>/dev/null |
	grep -v '^tests/unit/test_self_contained.sh:')
tap_is "$hits" "" "nothing reads a folder outside the repository"

[ -s tests/fixtures/stripe/fixtures3.json ] && grep -q '"charge"' tests/fixtures/stripe/fixtures3.json
tap_ok $? "Stripe's fixtures are in tests/fixtures/stripe"
tap_done
