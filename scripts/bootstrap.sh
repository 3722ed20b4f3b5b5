#!/bin/sh
# Configures and builds paydesk in build/DIR (default build/plain): deps, autoreconf,
# configure with any extra arguments, make. Usage: scripts/bootstrap.sh [DIR [CONFIGURE-ARGS]]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-plain}
[ $# -gt 0 ] && shift

"$top/scripts/deps.sh"
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ ! -f build-aux/tap-driver.sh ]; then
	autoreconf -fi
fi
mkdir -p "build/$dir"
cd "build/$dir"
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	../../configure --enable-werror "$@"
fi
make -j"$(nproc)"
