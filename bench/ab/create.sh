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
# JAVA_OPTS (default: the launcher's).
set -euo pipefail
jar=$1 backend=$2 dialect=$3; shift 3
here=$(cd "$(dirname "$0")/../.." && pwd)
THREADS=${THREADS:-2} WARM=${WARM:-40} DUR=${DUR:-10} CONN=${CONN:-32} LUA=${LUA:-$here/bench/lua/create.lua}
JAVA_OPTS=${JAVA_OPTS:-$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$here/gateway")}
secret="bench-secret-0123456789abcdef0123456789" tenant=bench account=6f1c1f50-4b1e-4c43-9a4e-2f8f5a0e3c11
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env=(GATEWAY_PORT="$port" GATEWAY_BIND=127.0.0.1 GATEWAY_DATA_DIR="$work/data" GATEWAY_JWT_SECRET="$secret"
  GATEWAY_LOG_LEVEL=WARN)
if [ "$backend" = pg ]; then
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres -c 'DROP DATABASE IF EXISTS gateway_ab' \
    -c 'CREATE DATABASE gateway_ab' >/dev/null
  env+=(GATEWAY_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/gateway_ab" GATEWAY_DB_USER=gateway
    GATEWAY_DB_PASSWORD=bench GATEWAY_DB_POOL_SIZE=16)
fi
cli() { GATEWAY_JWT_SECRET="$secret" java -jar "$jar" "$@"; }
admin=$(cli token --tenant "$tenant" --subject bench-admin --admin --ttl 1d)
# shellcheck disable=SC2086
env "${env[@]}" "$@" MALLOC_ARENA_MAX=2 java -Xlog:disable $JAVA_OPTS -jar "$jar" serve >"$work/gateway.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/admin/v1/tenants/$tenant/agents" \
    -H "Authorization: Bearer $admin" | grep -q 200; do
  kill -0 $pid 2>/dev/null || { cat "$work/gateway.log" >&2; exit 1; }
  sleep 0.1
done
cli agent create --tenant "$tenant" --name bench-agent --url "http://127.0.0.1:$port" >"$work/agent.json" 2>/dev/null
team=$(sed -n 's/.*"team" : "\([0-9a-f]\{24\}\)".*/\1/p' "$work/agent.json")
app=$(sed -n 's/.*"agentcloud" : "\([0-9a-f]\{24\}\)".*/\1/p' "$work/agent.json")
ev=$(sed -n 's/.*"everruns" : "\(agent_[0-9a-f]\{32\}\)".*/\1/p' "$work/agent.json")
tok=$(cli token --tenant "$tenant" --subject bench-user --team "$team" --account "$account" --ttl 1d)
scope=$tenant agent=bench-agent
case $dialect in everruns) agent=$ev ;; agentcloud) scope=$team; agent=$app ;; esac
url="http://127.0.0.1:$port"
wrk -t"$THREADS" -c"$CONN" -d"${WARM}s" -s "$LUA" "$url" -- "$dialect" "$tok" "$scope" "$agent" ${LUA_ARG:-} >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
wal() { [ "$backend" = pg ] && psql -Atq -h 127.0.0.1 -p "$PG_PORT" -U gateway -d postgres -c 'SELECT wal_sync FROM pg_stat_wal' || echo 0; }
w0=$(wal)
t0=$(ticks)
out=$(wrk -t"$THREADS" -c"$CONN" -d"${DUR}s" --latency -s "$LUA" "$url" -- "$dialect" "$tok" "$scope" "$agent" ${LUA_ARG:-})
t1=$(ticks)
w1=$(wal)
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
req=$(awk '/requests in/ {print $1}' <<<"$out")
p99=$(awk '$1=="99%" {print $2}' <<<"$out")
non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
hz=$(getconf CLK_TCK)
syncs=""; [ "$backend" = pg ] && syncs=", $(python3 -c "print(round($req / max(1, $w1 - $w0), 1))") requests/WAL sync"
printf '%s %s %s %s: %s req/s, p99 %s, %d us CPU/request%s, non-2xx %s, load %s\n' "$(basename "$jar")" "$backend" \
  "$dialect" "$*" "$rps" "$p99" $(( (t1 - t0) * 1000000 / hz / req )) "$syncs" "${non2xx:-0}" "$(cut -d' ' -f1 /proc/loadavg)"
