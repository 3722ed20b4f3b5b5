#!/bin/sh
# Builds paydesk (installing what is missing) and opens the demo.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/bootstrap.sh" plain
cd "$top/build/plain"
exec ./paydesk --demo
