#!/bin/sh
# Tab completion in bash (completion/paydesk): the candidates offered for a command
# line, against the real programs, whose --help the completion reads.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$abs_top_srcdir/tests/lib.sh"
tmp_setup
tap_plan 23

COMPLETION=${PAYDESK_COMPLETION:-$abs_top_srcdir/completion/paydesk}
. "$COMPLETION"

# candidates LINE: what Tab offers at the end of LINE (its words split at spaces; a line
# ending in a space completes a new, empty word), sorted, on one line.
candidates() {
	read -r -a COMP_WORDS <<<"$1"
	[ "${1% }" != "$1" ] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	case ${COMP_WORDS[0]} in
	paydesk) COMP_WORDS[0]=$PAYDESK_BIN fn=_paydesk ;;
	paydesk-sandbox) COMP_WORDS[0]=$PAYDESK_SANDBOX fn=_paydesk_sandbox ;;
	esac
	COMPREPLY=()
	$fn
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

complete -p paydesk | grep -q -- '-F _paydesk paydesk$'
tap_ok $? "paydesk is completed by _paydesk"
complete -p paydesk-sandbox | grep -q -- '-F _paydesk_sandbox paydesk-sandbox$'
tap_ok $? "paydesk-sandbox is completed by _paydesk_sandbox"

tap_is "$(candidates 'paydesk ')" "audit cache doctor insights lookup outbox refund risk statement sync version" \
	"the subcommands"
tap_is "$(candidates 'paydesk st')" "statement" "a subcommand's beginning"
tap_is "$(candidates 'paydesk --p')" "--platform --profile" "the global options"
tap_is "$(candidates 'paydesk --platform ')" "alipay stripe wechatpay" "--platform's values"

mkdir -p "$XDG_CONFIG_HOME/paydesk"
cat >"$XDG_CONFIG_HOME/paydesk/config" <<'CONF'
# a comment [not-a-profile]
[shop]
api_base = https://api.stripe.com
  [wx]
platform = wechatpay
[ali]
platform = alipay
CONF
tap_is "$(candidates 'paydesk --profile ')" "ali shop wx" "--profile offers the config's profiles"
tap_is "$(candidates 'paydesk -p s')" "shop" "-p completes a profile's beginning"
tap_is "$(candidates 'paydesk --profile wx sync --')" "--full --help --profile" \
	"the subcommand is found past a global option's value"

tap_is "$(candidates 'paydesk refund ORD-1 --')" "--amount --help --note --queue --reason --yes" \
	"refund's options"
tap_is "$(candidates 'paydesk refund ORD-1 --reason ')" \
	"duplicate fraudulent requested_by_customer" "refund's reasons"
tap_is "$(candidates 'paydesk statement --format ')" "csv json pdf txt" "statement's formats"
tap_is "$(candidates 'paydesk audit -f ')" "csv text" "audit's formats"
tap_is "$(candidates 'paydesk risk --format ')" "csv json txt" "risk's formats"
tap_is "$(candidates 'paydesk insights --format ')" "csv json txt" "insights' formats"
tap_is "$(candidates 'paydesk insights --from ')" "today yesterday" "insights' first day"
tap_is "$(candidates 'paydesk sync -f -')" "--full --help --profile" \
	"sync's -f is a flag, not a format"
tap_is "$(candidates 'paydesk statement --date y')" "yesterday" "a day's words"
tap_is "$(candidates 'paydesk outbox ')" "discard send" "outbox's actions"
tap_is "$(candidates 'paydesk cache ')" "info" "cache's one action"

cd "$TEST_TMP" && : >statement-2026-11-20.pdf && : >other.txt
tap_is "$(candidates 'paydesk statement --output stat')" "statement-2026-11-20.pdf" \
	"--output completes file names"

tap_is "$(candidates 'paydesk-sandbox --pl')" "--platform" "the sandbox's options"
tap_is "$(candidates 'paydesk-sandbox --platform w')" "wechatpay" "the sandbox's platforms"
tap_done
