#!/bin/sh
# Builds paydesk (installing what is missing) and opens the demo; arguments go to paydesk
# (--platform wechatpay or alipay for a Chinese merchant).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/bootstrap.sh" plain
cd "$top/build/plain"
exec ./paydesk --demo "$@"
