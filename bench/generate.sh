#!/usr/bin/env bash
# Generates a benchmark dataset with `gongkai demo --scale province` and
# prints its speed (rows/s per phase) and size.
#
# Usage: bench/generate.sh DATA_DIR [AGENCIES PUBLICATIONS APPLICATIONS]
#   defaults 10000 1000000 100000 (the issue-8 province). DATA_DIR must be new.
# Environment: GONGKAI_BIN, DATABASE_URL (an empty PostgreSQL database), BENCH_DIR.
# Example, the one-agency dataset for bench/report.sh:
#   bench/generate.sh /tmp/gk-one 1 100 100000
source "$(dirname "$0")/lib.sh"
DATA=${1:?usage: bench/generate.sh DATA_DIR [AGENCIES PUBLICATIONS APPLICATIONS]}
AGENCIES=${2:-10000}
PUBLICATIONS=${3:-1000000}
APPLICATIONS=${4:-100000}
header "$@"
# shellcheck disable=SC2046
CMD=("$GONGKAI_BIN" demo --scale province --agencies "$AGENCIES" --publications "$PUBLICATIONS" --applications "$APPLICATIONS" $(store_args "$DATA"))
echo "running:  ${CMD[*]}" | sed 's#postgres://[^@]*@#postgres://***@#'
t0=$(now_ms)
"${CMD[@]}"
t1=$(now_ms)
echo "total:    $(( (t1 - t0) / 1000 )) s"
echo "size:     $(du -sh "$DATA" | cut -f1) in $DATA"
