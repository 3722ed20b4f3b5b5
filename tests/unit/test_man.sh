#!/bin/sh
# The manual pages (doc/): groff finds nothing to warn about, nor do mandoc and man-db when
# they are installed; every long option that the programs' --help texts print is in the
# page, in the section of its command, and every option a page names is one that some
# --help text of the program prints. The commands are those of `paydesk --help`, so a new
# command needs a section of its own in paydesk(1). Every setting the configuration parser
# accepts is in paydesk.conf(5).
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 15

doc="$abs_top_srcdir/doc"
pages="paydesk.1 paydesk.conf.5 paydesk-sandbox.1"
# The help texts in English, whatever the caller's locale.
LC_ALL=C
LANGUAGE=
export LC_ALL LANGUAGE

# tap_empty TEXT NAME: passes when TEXT, a check's findings, is empty; else shows them.
tap_empty() {
	if [ -z "$1" ]; then
		tap_ok 0 "$2"
	else
		tap_ok 1 "$2"
		printf '%s\n' "$1" | sed 's/^/# /'
	fi
}

# 1-9: lint and render each page.
for page in $pages; do
	if command -v groff >/dev/null 2>&1; then
		out=$(groff -man -ww -z -t "$doc/$page" 2>&1)
		tap_empty "$out" "$page: groff -man -ww finds nothing to warn about"
	else
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP groff is not installed"
	fi
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint -W warning "$doc/$page" 2>&1)
		tap_empty "$out" "$page: mandoc -Tlint finds no warning"
	else
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP mandoc is not installed"
	fi
	if command -v man >/dev/null 2>&1 && man --version 2>/dev/null | grep -q '^man'; then
		out=$(MANROFFOPT=-ww MANWIDTH=80 man -l -Tutf8 "$doc/$page" 2>&1 >/dev/null)
		tap_empty "$out" "$page: man -l renders it at 80 columns without a word on stderr"
	else
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP man-db is not installed"
	fi
done

# The long options of a text, one a line, sorted; a page's after its \- are hyphens.
help_options() { grep -o -- '--[a-z][a-z0-9-]*' | sort -u; }
page_options() { sed 's/\\-/-/g' | help_options; }
# The options a page's text documents: those of the tags of its tagged paragraphs (the
# line after each .TP), not those merely named in a heading or in passing.
tag_options() { awk 'tag { print } { tag = /^[.]TP/ }' | page_options; }

# section FILE HEADING: the lines of a page from the heading that starts with HEADING (and
# goes on with a space, a quote or nothing) to the next heading of the same or a higher level.
section() {
	awk -v head="$2" '
		on && /^[.]SH/ { exit }
		on && sub_level && /^[.]SS/ { exit }
		!on && index($0, head) == 1 {
			c = substr($0, length(head) + 1, 1)
			if (c == "" || c == " " || c == "\"") {
				on = 1; sub_level = /^[.]SS/; print; next
			}
		}
		on { print }' "$1"
}

# missing OPTIONS TEXT [FILTER]: the options of the first list that TEXT does not name
# (FILTER tag_options: that it has no tagged paragraph for).
missing() {
	printf '%s\n' "$1" | while read -r opt; do
		[ -n "$opt" ] || continue
		printf '%s\n' "$2" | ${3:-page_options} | grep -qx -- "$opt" || printf '%s\n' "$opt"
	done
}

# 10: paydesk's global options are in OPTIONS, each command's in its own section (or, for
# a global option its help mentions, such as refund's --offline, in OPTIONS).
man1="$doc/paydesk.1"
"$PAYDESK_BIN" --help >"$TEST_TMP/help" 2>&1
all_help=$(cat "$TEST_TMP/help")
global=$(section "$man1" '.SH OPTIONS')
problems=$(missing "$(help_options <"$TEST_TMP/help")" "$global" tag_options |
	sed 's/^/paydesk --help: /')
commands=$(sed -n '/^Commands:/,/^$/p' "$TEST_TMP/help" | awk 'NR > 1 && NF { print $1 }')
for cmd in $commands; do
	if ! text=$("$PAYDESK_BIN" "$cmd" --help 2>&1); then
		problems="$problems
paydesk $cmd --help fails"
		continue
	fi
	all_help="$all_help
$text"
	sec=$(section "$man1" ".SS \"paydesk $cmd")
	if [ -z "$sec" ]; then
		problems="$problems
paydesk $cmd: no section .SS \"paydesk $cmd ...\" in paydesk.1"
		continue
	fi
	for opt in $(missing "$(printf '%s\n' "$text" | help_options)" "$sec
$global" tag_options); do
		problems="$problems
paydesk $cmd --help: $opt"
	done
done
problems=$(printf '%s\n' "$problems" | sed '/^$/d')
tap_empty "$problems" "paydesk.1 documents every option of paydesk --help and of each command"
[ -n "$commands" ]
tap_ok $? "paydesk --help lists its commands"

# 12: and names no option that no help text of paydesk prints.
unknown=$(missing "$(page_options <"$man1")" "$all_help")
tap_empty "$unknown" "every option paydesk.1 names is one paydesk prints in a --help"

# 13: paydesk-sandbox's options are in its page's OPTIONS, and the page names no other.
man_sbx="$doc/paydesk-sandbox.1"
sbx_help=$("$PAYDESK_SANDBOX" --help 2>&1)
absent=$(missing "$(printf '%s\n' "$sbx_help" | help_options)" \
	"$(section "$man_sbx" '.SH OPTIONS')" tag_options)
unknown=$(missing "$(page_options <"$man_sbx")" "$sbx_help")
problems=$(printf '%s\n' "$absent" | sed '/^$/d; s/^/not in the page: /'
	printf '%s\n' "$unknown" | sed '/^$/d; s/^/not in --help: /')
tap_empty "$problems" "paydesk-sandbox.1 documents exactly the options of paydesk-sandbox --help"

# 14: paydesk.conf(5) names options of the two programs only.
unknown=$(missing "$(page_options <"$doc/paydesk.conf.5")" "$all_help
$sbx_help")
tap_empty "$unknown" "every option paydesk.conf.5 names is one of paydesk or paydesk-sandbox"

# 15: every setting the parser accepts is a tagged paragraph of paydesk.conf(5) (key and
# api_key are names the parser knows only to refuse them).
settings=$(sed -n 's/.*SETTING("\([a-z0-9_]*\)".*/\1/p; s/.*strcmp(key, "\([a-z0-9_]*\)").*/\1/p' \
	"$abs_top_srcdir/client/profile.c" | grep -vx 'key\|api_key' | sort -u)
absent=""
for s in $settings; do
	grep -q "^\\.BI $s " "$doc/paydesk.conf.5" || absent="$absent $s"
done
tap_empty "$absent" "paydesk.conf.5 describes every setting of client/profile.c"
[ -n "$settings" ] || echo "# no settings found in client/profile.c"
tap_done
