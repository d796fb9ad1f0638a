#!/usr/bin/env bash
# The supervisors' roll-up of year YEAR over every agency below the
# province (GET /admin/agencies/demo-province/reports/YEAR/rollup, logged in
# as a supervisor of the province), timed end to end with curl.
#
# Usage: bench/rollup.sh DATA_DIR [YEAR]
#   DATA_DIR from bench/generate.sh (10,000 agencies for the issue-8 figure).
# Environment: GONGKAI_BIN, DATABASE_URL, BENCH_DIR; RUNS=3; PORT=18091.
# Target (issue 8): < 5 s for 10,000 agencies.
source "$(dirname "$0")/lib.sh"
DATA=${1:?usage: bench/rollup.sh DATA_DIR [YEAR]}
YEAR=${2:-$(( $(date +%Y) - 1 ))}
RUNS=${RUNS:-3}
PORT=${PORT:-18091}
CODE=demo-province
header "$@"
USER_NAME=bench-supervisor
PASSWORD=bench-$RANDOM-$RANDOM-pass
# shellcheck disable=SC2046
"$GONGKAI_BIN" user add --agency "$CODE" --role supervisor --username "$USER_NAME" --name 基准测试 --password "$PASSWORD" $(store_args "$DATA") > /dev/null 2>&1 \
  || "$GONGKAI_BIN" user passwd --username "$USER_NAME" --password "$PASSWORD" $(store_args "$DATA") > /dev/null
serve "$DATA" "$PORT"
trap stop_server EXIT
BASE="http://127.0.0.1:$PORT"
JAR="$BENCH_DIR/rollup.cookies"
rm -f "$JAR"
FORM_TOKEN=$(curl -fsS -c "$JAR" "$BASE/login" | grep -o 'name="form_token" value="[^"]*"' | sed 's/.*value="//; s/"$//')
curl -fsS -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "username=$USER_NAME" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "form_token=$FORM_TOKEN" --data-urlencode "next=/admin" "$BASE/login"
URL="$BASE/admin/agencies/$CODE/reports/$YEAR/rollup"
times=""
for _ in $(seq 1 "$RUNS"); do
    t=$(curl -fsS -b "$JAR" -o "$BENCH_DIR/rollup.html" -w '%{time_total}' "$URL")
    times="$times $(awk -v t="$t" 'BEGIN {printf "%.0f", t * 1000}')"
done
echo "rollup:   $URL ($(grep -c '<tr' "$BENCH_DIR/rollup.html") table rows, $(wc -c < "$BENCH_DIR/rollup.html") bytes)"
echo "times:   $times"
echo "result:   $(stats "$times")"
echo "server RSS: peak $(( $(hwm_kb "$SERVER_PID") / 1024 )) MB"
