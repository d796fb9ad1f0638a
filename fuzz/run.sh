#!/bin/sh
# Runs the fuzz targets one after another at the lowest CPU priority.
# Usage: fuzz/run.sh QUEUE_FILE   (lines "target seconds max_len [runs]"; the
# first line is taken off the file before each run, so the queue can be edited
# while it runs). Build first: RUSTC_BOOTSTRAP=1 cargo fuzz build -s none
# Each run stops after its executions (default 10 million) or its seconds;
# the corpus persists, so runs of one target add up.
# FUZZ_BIN_DIR: where the built targets are (default: cargo fuzz's own).
set -u
cd "$(dirname "$0")"
queue=$1
mkdir -p logs
bin_dir=${FUZZ_BIN_DIR:-target/x86_64-unknown-linux-gnu/release}
while [ -s "$queue" ]; do
    line=$(head -n 1 "$queue")
    sed -i 1d "$queue"
    set -- $line
    t=$1 secs=$2 len=$3 runs=${4:-10000000}
    mkdir -p "corpus/$t" "artifacts/$t"
    nice -n 19 "$bin_dir/$t" "corpus/$t" \
        -runs="$runs" -max_total_time="$secs" -max_len="$len" \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" >"logs/$t.$(date +%H%M).log" 2>&1
    echo "$t exit $? $(date -u +%H:%M:%S)" >>logs/done
done
