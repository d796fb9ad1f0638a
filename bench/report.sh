#!/usr/bin/env bash
# One agency's annual report computed from its records (table 三 from every
# application received up to 31 December), through the API
# (GET /api/v1/agencies/CODE/reports/YEAR with a supervisor's token), timed
# end to end with curl, RUNS times after one warm-up.
#
# Usage: bench/report.sh DATA_DIR [AGENCY_CODE [YEAR]]
#   defaults: demo-province, last year. For "one agency with 100k
#   applications" generate with: bench/generate.sh DATA_DIR 1 100 100000
# Environment: GONGKAI_BIN, DATABASE_URL, BENCH_DIR; RUNS=10; PORT=18090.
# Target (issue 8): < 100 ms.
source "$(dirname "$0")/lib.sh"
DATA=${1:?usage: bench/report.sh DATA_DIR [AGENCY_CODE [YEAR]]}
CODE=${2:-demo-province}
YEAR=${3:-$(( $(date +%Y) - 1 ))}
RUNS=${RUNS:-10}
PORT=${PORT:-18090}
header "$@"
# shellcheck disable=SC2046
TOKEN=$("$GONGKAI_BIN" user token --agency "$CODE" --role supervisor $(store_args "$DATA") 2>/dev/null)
serve "$DATA" "$PORT"
trap stop_server EXIT
URL="http://127.0.0.1:$PORT/api/v1/agencies/$CODE/reports/$YEAR"
curl -fsS -H "Authorization: Bearer $TOKEN" "$URL" > "$BENCH_DIR/report.json"
echo "report:   $URL ($(wc -c < "$BENCH_DIR/report.json") bytes of JSON)"
times=""
for _ in $(seq 1 "$RUNS"); do
    t=$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$URL")
    times="$times $(awk -v t="$t" 'BEGIN {printf "%.1f", t * 1000}')"
done
echo "times:   $times"
echo "result:   $(stats "$times")"
echo "server RSS: peak $(( $(hwm_kb "$SERVER_PID") / 1024 )) MB"
