#!/usr/bin/env bash
# A/B of creates: one fresh gateway (the launcher's default JVM flags, no CDS) on a fresh store, one agent and one
# user token with an account (Recoup works, every create bumps three counters), wrk -t2 -c32 on bench/lua/create.lua:
# a warm-up, then a short measured window. Prints one line: label, req/s, the gateway's CPU time per request (utime +
# stime of its JVM over the window / requests), non-2xx. Alternate jars (old, new, old, new): one wrk number on a
# shared machine means little; CPU per request much less so.
#
#   bench/ab/create.sh JAR h2|pg DIALECT [NAME=VALUE ...]   (the NAME=VALUE pairs go to the gateway's environment)
# Environment: PG_PORT (PostgreSQL on 127.0.0.1, user gateway / bench, a superuser: the script drops and creates the
# database gateway_ab), WARM (seconds, default 40), DUR (seconds, default 10), CONN (default 32),
# LUA (default bench/lua/create.lua; bench/ab/mixed.lua: creates and GETs), LUA_ARG (a fifth argument to the script),
# SEED (H2: a directory holding a store of SEED_N sessions, default 10^6; built by the first run that names it,
# then copied for each run), PGSS (a file: PostgreSQL's statements of the window by execution time, from
# pg_stat_statements, which the server must preload), JFR (a file: a flight recording, default settings, of the measured window), JAVA_OPTS (default: the launcher's), JAVA (the gateway's java; default: java on the PATH).
set -euo pipefail
jar=$1 backend=$2 dialect=$3; shift 3
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/ab/lib.sh
. "$here/bench/ab/lib.sh"
THREADS=${THREADS:-2} WARM=${WARM:-40} DUR=${DUR:-10} CONN=${CONN:-32} LUA=${LUA:-$here/bench/lua/create.lua}
JAVA_OPTS=${JAVA_OPTS:-$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$here/gateway")}
secret="bench-secret-0123456789abcdef0123456789" tenant=bench account=6f1c1f50-4b1e-4c43-9a4e-2f8f5a0e3c11
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env=(GATEWAY_PORT="$port" GATEWAY_BIND=127.0.0.1 GATEWAY_DATA_DIR="$work/data" GATEWAY_JWT_SECRET="$secret"
  GATEWAY_LOG_LEVEL=WARN)
if [ "$backend" = h2 ] && [ -n "${H2_EXTRA:-}" ]; then
  # H2 settings added to the gateway's URL (as DatabaseConfig.h2FileUrl spells it), e.g. H2_EXTRA=PAGE_SIZE=4096
  env+=(GATEWAY_DB_URL="$(ab_h2_url "$work/data" "$H2_EXTRA")")
fi
if [ "$backend" = pg ]; then
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres -c 'DROP DATABASE IF EXISTS gateway_ab' \
    -c 'CREATE DATABASE gateway_ab' >/dev/null
  env+=(GATEWAY_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/gateway_ab" GATEWAY_DB_USER=gateway
    GATEWAY_DB_PASSWORD=bench GATEWAY_DB_POOL_SIZE=16)
fi
cli() { GATEWAY_JWT_SECRET="$secret" java -jar "$jar" "$@"; }
admin=$(cli token --tenant "$tenant" --subject bench-admin --admin --ttl 1d)
start() { ab_serve "$jar" "${env[@]}" "${extra[@]}"; }
extra=("$@")
pid=""
trap 'ab_stop; rm -rf "$work"' EXIT
if [ -n "${SEED:-}" ] && [ -d "$SEED/data" ]; then
  cp -r "$SEED/data" "$work/data"
  cp "$SEED/agent.json" "$work/agent.json"
  start
else
  start
  cli agent create --tenant "$tenant" --name bench-agent --url "http://127.0.0.1:$port" >"$work/agent.json" 2>/dev/null
fi
team=$(sed -n 's/.*"team" : "\([0-9a-f]\{24\}\)".*/\1/p' "$work/agent.json")
app=$(sed -n 's/.*"agentcloud" : "\([0-9a-f]\{24\}\)".*/\1/p' "$work/agent.json")
ev=$(sed -n 's/.*"everruns" : "\(agent_[0-9a-f]\{32\}\)".*/\1/p' "$work/agent.json")
tok=$(cli token --tenant "$tenant" --subject bench-user --team "$team" --account "$account" --ttl 1d)
if [ -n "${SEED:-}" ] && [ ! -d "$SEED/data" ]; then
  # The first run with SEED builds it (H2 only): SEED_N sessions of the token's owner, loaded as bench/run.sh does.
  [ "$backend" = h2 ] || { echo "SEED: H2 only" >&2; exit 2; }
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/$tenant/v1/agents/sessions" -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' -d '{"agent_name":"bench-agent","id":"bench-seed"}'
  ab_stop
  n=${SEED_N:-1000000}
  # shellcheck source=bench/bulk.sh
  . "$here/bench/bulk.sh"
  DEL_POOL=0 bulk_sql h2 "$n" >"$work/load.sql"
  java -Xmx1g -cp "$jar" org.h2.tools.RunScript -url "jdbc:h2:file:$work/data/gateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE${H2_EXTRA:+;$H2_EXTRA}" \
    -script "$work/load.sql" >/dev/null # H2_EXTRA: as below
  mkdir -p "$SEED"; cp -r "$work/data" "$SEED/data"; cp "$work/agent.json" "$SEED/agent.json"
  start
fi
scope=$tenant agent=bench-agent
case $dialect in everruns) agent=$ev ;; agentcloud) scope=$team; agent=$app ;; esac
url="http://127.0.0.1:$port"
wrk -t"$THREADS" -c"$CONN" -d"${WARM}s" -s "$LUA" "$url" -- "$dialect" "$tok" "$scope" "$agent" ${LUA_ARG:-} >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
wal() { [ "$backend" = pg ] && psql -Atq -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres -c 'SELECT wal_sync FROM pg_stat_wal' || echo 0; }
[ -n "${JFR:-}" ] && jcmd $pid JFR.start name=ab filename="$JFR" >/dev/null
pgticks() { [ "$backend" = pg ] || { echo 0; return; }
  for p in $(pgrep -x postgres); do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
pgss() { psql -Atq -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres -F ' | ' -c "$1"; }
[ -n "${PGSS:-}" ] && pgss 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' && pgss 'SELECT pg_stat_statements_reset()' >/dev/null
w0=$(wal)
g0=$(pgticks)
t0=$(ticks)
out=$(wrk -t"$THREADS" -c"$CONN" -d"${DUR}s" --latency -s "$LUA" "$url" -- "$dialect" "$tok" "$scope" "$agent" ${LUA_ARG:-})
t1=$(ticks)
g1=$(pgticks)
w1=$(wal)
[ -n "${PGSS:-}" ] && pgss "SELECT calls, round(total_exec_time::numeric * 1000 / calls) AS us_per_call,
  round(100 * total_exec_time / sum(total_exec_time) OVER ()) AS pct, left(regexp_replace(query, '\\s+', ' ', 'g'), 150)
  FROM pg_stat_statements WHERE calls > 100 ORDER BY total_exec_time DESC LIMIT 15" > "$PGSS"
[ -n "${JFR:-}" ] && jcmd $pid JFR.dump name=ab filename="$JFR" >/dev/null
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
req=$(awk '/requests in/ {print $1}' <<<"$out")
p99=$(awk '$1=="99%" {print $2}' <<<"$out")
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
hz=$(getconf CLK_TCK)
syncs=""; [ "$backend" = pg ] && syncs=", $(python3 -c "print(round($req / max(1, $w1 - $w0), 1))") requests/WAL sync, \
PostgreSQL $(( (g1 - g0) * 1000000 / hz / req )) us CPU/request"
printf '%s %s %s %s: %s req/s, p99 %s, %d us CPU/request%s, non-2xx %s, load %s\n' "$(basename "$jar")" "$backend" \
  "$dialect" "$*" "$rps" "$p99" $(( (t1 - t0) * 1000000 / hz / req )) "$syncs" "${non2xx:-0}" "$(cut -d' ' -f1 /proc/loadavg)"
