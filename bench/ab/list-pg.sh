#!/usr/bin/env bash
# A list page on PostgreSQL, both sides: one fresh gateway (the launcher's default JVM flags) over a fresh database
# on a PostgreSQL that preloads pg_stat_statements, N sessions created through the TrueFoundry API, then wrk -t2 -c32
# on each vendor's first page (the paths bench/run.sh's LIST series uses): per dialect pages/s, the gateway's and
# PostgreSQL's CPU per page, and PostgreSQL's statements of the window by execution time.
#
#   bench/ab/list-pg.sh JAR          Environment: PG_PORT (PostgreSQL on 127.0.0.1, user gateway / PGPASSWORD, a
#   superuser: the script drops and creates the database gateway_ab), N (sessions, default 1000), WARM (seconds per
#   dialect, default 15), DUR (seconds, default 10), DIALECTS (default: the four).
set -euo pipefail
jar=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-1000} WARM=${WARM:-15} DUR=${DUR:-10} DIALECTS=${DIALECTS:-truefoundry everruns agentcloud recoup}
JAVA_OPTS=${JAVA_OPTS:-$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$here/gateway")}
secret="bench-secret-0123456789abcdef0123456789" tenant=bench account=6f1c1f50-4b1e-4c43-9a4e-2f8f5a0e3c11
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
psql_() { psql -Atq -h 127.0.0.1 -p "$PG_PORT" -U gateway -F ' | ' "$@"; }
psql_ -d postgres -c 'DROP DATABASE IF EXISTS gateway_ab' -c 'CREATE DATABASE gateway_ab' >/dev/null
psql_ -d postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null
cli() { GATEWAY_JWT_SECRET="$secret" java -jar "$jar" "$@"; }
admin=$(cli token --tenant "$tenant" --subject bench-admin --admin --ttl 1d)
# shellcheck source=bench/ab/lib.sh
. "$here/bench/ab/lib.sh"
trap 'ab_stop; rm -rf "$work"' EXIT
ab_serve "$jar" GATEWAY_PORT="$port" GATEWAY_BIND=127.0.0.1 GATEWAY_DATA_DIR="$work/data" GATEWAY_JWT_SECRET="$secret" \
  GATEWAY_LOG_LEVEL=WARN GATEWAY_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/gateway_ab" GATEWAY_DB_USER=gateway \
  GATEWAY_DB_PASSWORD="$PGPASSWORD" GATEWAY_DB_POOL_SIZE=16
cli agent create --tenant "$tenant" --name bench-agent --url "http://127.0.0.1:$port" >"$work/agent.json" 2>/dev/null
team=$(sed -n 's/.*"team" : "\([0-9a-f]\{24\}\)".*/\1/p' "$work/agent.json")
tok=$(cli token --tenant "$tenant" --subject bench-user --team "$team" --account "$account" --ttl 1d)
url="http://127.0.0.1:$port"
for i in $(seq 1 "$N"); do
  printf '{"agent_name":"bench-agent","title":"bench %d"}\n' "$i"
done | while read -r body; do
  curl -fs -o /dev/null -X POST "$url/$tenant/v1/agents/sessions" -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' -d "$body"
done
psql_ -d gateway_ab -c 'ANALYZE' >/dev/null
from=2000-01-01T00:00:00Z; end=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
declare -A list=(
  [truefoundry]="/$tenant/v1/agents/sessions?agent_name=bench-agent&limit=20&start_timestamp=$from&end_timestamp=$end"
  [everruns]="/v1/sessions?limit=20" [agentcloud]="/$team/sessions.json" [recoup]="/api/sessions?limit=20")
pgticks() { # every postgres process's utime + stime, the exited ones through their parent's cutime + cstime
  local parent; parent=$(pgrep -o -x postgres)
  { awk '{print $16 + $17}' "/proc/$parent/stat"; for p in $(pgrep -x postgres); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done; } |
    awk '{s += $1} END {print s + 0}'
}
hz=$(getconf CLK_TCK)
for d in $DIALECTS; do
  wrk -t2 -c32 -d"${WARM}s" -s "$here/bench/lua/static.lua" "$url" -- "${list[$d]}" "$tok" >/dev/null
  psql_ -d postgres -c 'SELECT pg_stat_statements_reset()' >/dev/null
  g0=$(pgticks); t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(wrk -t2 -c32 -d"${DUR}s" -s "$here/bench/lua/static.lua" "$url" -- "${list[$d]}" "$tok")
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); g1=$(pgticks)
  req=$(awk '/requests in/ {print $1}' <<<"$out")
  printf '%s first page: %s pages/s, gateway %d us CPU/page, PostgreSQL %d us CPU/page, non-2xx %s\n' "$d" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" $(( (t1 - t0) * 1000000 / hz / req )) \
    $(( (g1 - g0) * 1000000 / hz / req )) "$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  psql_ -d postgres -c "SELECT calls, round(total_exec_time::numeric * 1000 / calls) AS us_per_call,
    left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements WHERE calls > 100
    ORDER BY total_exec_time DESC LIMIT 6" | sed 's/^/  /'
done
