# Shared helpers of the bench/ scripts (sourced, not run).
#
# Environment every script reads:
#   GONGKAI_BIN   the gongkai binary (default: $CARGO_TARGET_DIR/release/gongkai,
#                 else target/release/gongkai). Build it with
#                 `cargo build --release -p gongkai-cli`.
#   BENCH_DIR     where datasets and logs go (default /tmp/gongkai-bench).
#   DATABASE_URL  optional postgres://… URL; without it SQLite in the data dir.
# Load tests only ever target 127.0.0.1, are bounded in time and stop by themselves.

set -euo pipefail

BENCH_DIR=${BENCH_DIR:-/tmp/gongkai-bench}
mkdir -p "$BENCH_DIR"
if [[ -z "${GONGKAI_BIN:-}" ]]; then
    if [[ -n "${CARGO_TARGET_DIR:-}" && -x "$CARGO_TARGET_DIR/release/gongkai" ]]; then
        GONGKAI_BIN="$CARGO_TARGET_DIR/release/gongkai"
    else
        GONGKAI_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/release/gongkai"
    fi
fi
[[ -x "$GONGKAI_BIN" ]] || { echo "gongkai binary not found: $GONGKAI_BIN (set GONGKAI_BIN)" >&2; exit 2; }

# store_args DATA_DIR: the --data-dir/--database-url pair for the CLI.
store_args() {
    if [[ -n "${DATABASE_URL:-}" ]]; then
        echo "--data-dir $1 --database-url $DATABASE_URL"
    else
        echo "--data-dir $1"
    fi
}

# header: the machine, the date, the command and the build.
header() {
    echo "== $(basename "$0") =="
    echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "command:  $0 $*"
    echo "machine:  $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "load:     $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "binary:   $GONGKAI_BIN ($(stat -c %y "$GONGKAI_BIN" | cut -d. -f1))"
    echo "git:      $(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "database: ${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-SQLite}" | sed 's#postgres://[^@]*@#postgres://***@#'
}

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }

# rss_kb PID: resident set size now (kB).
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# hwm_kb PID: peak resident set size (kB).
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# serve DATA_DIR PORT: starts `gongkai serve` in the background, waits for it,
# sets SERVER_PID.
serve() {
    local data=$1 port=$2
    # shellcheck disable=SC2046
    "$GONGKAI_BIN" serve $(store_args "$data") --listen "127.0.0.1:$port" \
        > "$BENCH_DIR/serve-$port.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 300); do
        if curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "server did not start; see $BENCH_DIR/serve-$port.log" >&2
    exit 1
}

stop_server() {
    if [[ -n "${SERVER_PID:-}" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    SERVER_PID=
}

# time_ms CMD…: runs CMD, prints its wall time in ms.
time_ms() {
    local t0 t1
    t0=$(now_ms); "$@" > /dev/null; t1=$(now_ms)
    echo $((t1 - t0))
}

# stats "n1 n2 …": min / median / max of the numbers.
stats() {
    tr ' ' '\n' <<< "$1" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {printf "min %s ms, median %s ms, max %s ms (n=%d)", a[1], a[int((NR+1)/2)], a[NR], NR}'
}
