#!/usr/bin/env bash
# Portal under load: the public list page (法定主动公开内容), an item page and
# search (a common and a rare term, and a term with filters), each at several
# concurrencies with oha, side by side in the same run with nginx serving the
# same HTML bytes as a static file. Prints p50/p95/p99 latency, throughput
# and the server's peak RSS.
#
# Usage: bench/portal.sh DATA_DIR
#   DATA_DIR  a dataset made by bench/generate.sh (or `gongkai demo --scale province`)
# Environment: GONGKAI_BIN, DATABASE_URL, BENCH_DIR (see bench/lib.sh);
#   CONC="1 8 64"  concurrencies;  SECS=10  seconds per run;
#   PORT=18080 (gongkai), NGINX_PORT=18081;
#   GONGKAI_PUBLIC_CACHE_MS=1000  the server's cache of anonymous public pages
#   (0: every request rendered from the database, to measure that path).
# Needs: oha (`cargo install oha`), nginx (`apt-get install nginx-light`), curl, jq.
# Targets (issue 8): list/item ≥ 50 % of nginx's throughput with p99 < 20 ms;
# search p95 < 30 ms; server RSS < 300 MB.
source "$(dirname "$0")/lib.sh"
DATA=${1:?usage: bench/portal.sh DATA_DIR}
CONC=${CONC:-"1 8 64"}
SECS=${SECS:-10}
PORT=${PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
command -v oha > /dev/null || { echo "oha not found: cargo install oha" >&2; exit 2; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x "$NGINX" ]] || { echo "nginx not found: apt-get install nginx-light" >&2; exit 2; }

header "$@"
echo "oha:      $(oha --version)"
echo "nginx:    $("$NGINX" -v 2>&1)"
echo "runs:     ${SECS}s each at concurrency $CONC"
echo "cache:    public pages ${GONGKAI_PUBLIC_CACHE_MS:-1000} ms (GONGKAI_PUBLIC_CACHE_MS)"

serve "$DATA" "$PORT"
trap 'stop_server; [[ -f "$BENCH_DIR/nginx/nginx.pid" ]] && kill "$(cat "$BENCH_DIR/nginx/nginx.pid")" 2>/dev/null; true' EXIT
BASE="http://127.0.0.1:$PORT"

# The pages: the province's list (its largest), one of its items, a 街道's list.
ROOT=demo-province
LIST="/$ROOT/xxgk/fdzdgknr"
ITEM_ID=$(curl -fsS "$BASE$LIST" | grep -oE "href=\"/$ROOT/xxgk/[0-9]+\"" | head -1 | grep -oE '[0-9]+')
ITEM="/$ROOT/xxgk/$ITEM_ID"
YEAR=$(( $(date +%Y) - 2 ))
declare -A PATHS=(
    [list]="$LIST"
    [list_filtered]="$LIST?year=$YEAR&validity=valid&page=3"
    [item]="$ITEM"
    [search_common]="/search?q=%E9%80%9A%E7%9F%A5"
    [search_rare]="/search?q=%E6%B9%BF%E5%9C%B0%E4%BF%9D%E6%8A%A4"
    [search_filtered]="/search?q=%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7&agency=$ROOT&year=$YEAR&validity=valid"
)
ORDER=${ORDER:-"list list_filtered item search_common search_rare search_filtered"}
echo "pages:    list=$LIST item=$ITEM (search: 通知 / 湿地保护 / 安全生产+agency+year+validity)"

# nginx serves the list and item pages' bytes as static files.
mkdir -p "$BENCH_DIR/nginx/html"
curl -fsS "$BASE$LIST" > "$BENCH_DIR/nginx/html/list.html"
curl -fsS "$BASE$ITEM" > "$BENCH_DIR/nginx/html/item.html"
cat > "$BENCH_DIR/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $BENCH_DIR/nginx/nginx.pid;
error_log $BENCH_DIR/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    default_type text/html;
    server { listen 127.0.0.1:$NGINX_PORT; root $BENCH_DIR/nginx/html; }
}
CONF
"$NGINX" -c "$BENCH_DIR/nginx/nginx.conf" -p "$BENCH_DIR/nginx"
sleep 0.5
echo "bytes:    list $(wc -c < "$BENCH_DIR/nginx/html/list.html"), item $(wc -c < "$BENCH_DIR/nginx/html/item.html")"

# one NAME URL C: a run of oha, one line of results.
one() {
    local name=$1 url=$2 c=$3 out
    out=$(oha -z "${SECS}s" -c "$c" --no-tui --output-format json "$url")
    jq -r --arg n "$name" --arg c "$c" '
        [$n, $c,
         ((.summary.requestsPerSec // 0) | floor),
         ((.latencyPercentiles.p50 // 0) * 1000 * 100 | round / 100),
         ((.latencyPercentiles.p95 // 0) * 1000 * 100 | round / 100),
         ((.latencyPercentiles.p99 // 0) * 1000 * 100 | round / 100),
         ((.statusCodeDistribution // {}) | to_entries | map("\(.key):\(.value)") | join(","))]
        | @tsv' <<< "$out"
}

echo
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' case c req/s p50_ms p95_ms p99_ms status
for c in $CONC; do
    one nginx_list "http://127.0.0.1:$NGINX_PORT/list.html" "$c"
    one nginx_item "http://127.0.0.1:$NGINX_PORT/item.html" "$c"
    for name in $ORDER; do
        one "$name" "$BASE${PATHS[$name]}" "$c"
    done
done
echo
echo "server RSS: now $(( $(rss_kb "$SERVER_PID") / 1024 )) MB, peak $(( $(hwm_kb "$SERVER_PID") / 1024 )) MB"
