#!/usr/bin/env bash
# A full search reindex (`gongkai search reindex`) of every public item,
# timed, with the peak RSS of the process.
#
# Usage: bench/reindex.sh DATA_DIR
# Environment: GONGKAI_BIN, DATABASE_URL, BENCH_DIR.
source "$(dirname "$0")/lib.sh"
DATA=${1:?usage: bench/reindex.sh DATA_DIR}
header "$@"
# shellcheck disable=SC2046
/usr/bin/time -f 'peak RSS %M kB, %e s wall, %U s user, %S s system' \
    "$GONGKAI_BIN" search reindex --json $(store_args "$DATA") 2>&1
