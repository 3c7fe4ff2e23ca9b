#!/usr/bin/env bash
# Session Gateway benchmarks, one command: bench/run.sh [--quick]; the streams series: bench/run.sh streams [--quick]
#
# Measures, in one run on this machine: GET and create per dialect at fixed concurrency on H2 and on PostgreSQL
# with N bulk-loaded sessions (10^3 and 10^6); at each N also the lifecycle per dialect: a list page (first page
# and one deep in the middle), PATCH, cancel and DELETE (each delete on a session loaded for the purpose, each
# deleted once), with each one's ratio to GET of the same dialect in the same run; and the ceilings and alternatives
# on the same machine: nginx serving the same bytes as a static file, pgbench's primary-key select on the same table
# and pgbench's single-row INSERT of a row as wide as the one the gateway writes on create (same column types, a
# primary key and the two unique ids, synchronous_commit on: asserted), WireMock standalone serving the same
# response, Stoplight Prism mocking the same document. Also time from process start to first 200 and peak RSS under
# load on JDK 17 and on the newer JDK, each on H2 and on PostgreSQL (the newer JDK runs GET at the largest N and
# create, on the data the JDK 17 series left; JDK 17's process runs every series of its backend, and the results
# show each process's peak after each group of series). The gateway runs through the launcher (./gateway serve), so
# with its default JVM settings.
# Before each series every dialect is warmed up in turn (the JIT compiles the shared path once, not only for the
# first dialect measured). Start to first 200 is measured with a token minted before the server starts. Each row
# also records the server's CPU time per request (utime+stime of its process over the measured window / requests
# completed; the gateway and WireMock), which other load on the machine disturbs much less than req/s.
#
# Writes bench/results/<date>.md: first a table of the targets of issue #15, each computed from this run's rows
# with met / missed (or NOT RUN, or NO DATA when a series completed no request: such a series is also listed
# loudly above the table), then every row, start-up and RSS, ratios and the lifecycle ratios to GET.
#
# Run time: about 20 minutes of series on the idle 2-core machine, plus the build, the 10^6 loads and the starts
# (about 2 minutes on 2026-12-02). To keep it near 20 once the lifecycle series and the newer JDK on PostgreSQL were
# added (at the GET series' durations the lifecycle alone would take about 33 minutes): GET, create and the ceilings
# measure 10 s (was 15 s) after 5 s of warm-up per dialect (was 10 s); the lifecycle series measure 5 s after 2 s of
# warm-up per dialect (they had the GET series' 10 s warm-up before each of 13 series per N and backend, and measured
# 15 s); the newer JDK runs GET at the largest N only (was: the smallest, on H2 only).
#
# Tools: wrk, nginx, pgbench (Debian), WireMock standalone (Maven Central), Prism (npm). Installed when missing.
# Knobs: BENCH_DURATION (10s; --quick 5s), BENCH_WARMUP (per dialect before each series: 5s; --quick 3s),
# BENCH_LIFE_DURATION / BENCH_LIFE_WARMUP (the lifecycle series: 5s / 2s; --quick 3s / 1s), BENCH_LIFE_WRITE_WARMUP
# (each dialect's PATCH in turn before the PATCH series: 12s; --quick 4s), BENCH_CONNECTIONS (32),
# BENCH_SIZES ("1000 1000000"; --quick "1000"), BENCH_JFR (words of series labels, e.g. "create PATCH": each such
# series is run once more with Java Flight Recorder on when that gateway's measurements are over, and its top frames
# and collections go into the results file, bench/jfr-top.py; default none), BENCH_WRK_TIMEOUT (10s: wrk records no latency for a slower
# response), BENCH_DELETE_RATE (4000: sessions loaded per second of warm-up and of measurement for each dialect's
# DELETE series; a list that runs out is marked), BENCH_JDK25 (path to the newer
# JDK's java; default: the first /usr/lib/jvm/*25*/bin/java; "none" to skip), BENCH_BACKENDS ("h2 pg"), BENCH_ONLY
# (a subset of the series, for A/B work: any of get lifecycle create jdk25 ceilings pgbench; default all; sessions
# are loaded at every size when get or lifecycle runs, else at the first size only), e.g.
# BENCH_ONLY="get create" BENCH_BACKENDS=h2 BENCH_SIZES=1000 bench/run.sh --quick. A subset run writes
# bench/results/<date>-partial.md and --quick <date>-quick.md (a full run's file is not overwritten); the targets
# table marks what did not run. The report alone: bench/report.py (rewrites it from bench/.cache/last-*).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# The streams series (SSE subscribers, two instances over one PostgreSQL and one): bench/run.sh streams [--quick]
if [ "${1:-}" = streams ]; then shift; exec bench/streams.sh "$@"; fi

quick=false
[ "${1:-}" = "--quick" ] && quick=true
DURATION=${BENCH_DURATION:-$($quick && echo 5s || echo 10s)}
WARMUP=${BENCH_WARMUP:-$($quick && echo 3s || echo 5s)}
LIFE_DURATION=${BENCH_LIFE_DURATION:-$($quick && echo 3s || echo 5s)}
LIFE_WARMUP=${BENCH_LIFE_WARMUP:-$($quick && echo 1s || echo 2s)}
LIFE_WRITE_WARMUP=${BENCH_LIFE_WRITE_WARMUP:-$($quick && echo 4s || echo 12s)}
CONN=${BENCH_CONNECTIONS:-32}
# wrk records no latency for a response later than this (its default, 2 s, hid the offset pages at 10^6)
WRK_TIMEOUT=${BENCH_WRK_TIMEOUT:-10s}
# Series the gateway is profiled on with Java Flight Recorder (profile settings: 10 ms samples) once its measurements
# are over (profile_pending), words of their labels, e.g. "create PATCH"; each window's top frames and collections go
# into the results file
JFR_SERIES=${BENCH_JFR:-}
THREADS=${BENCH_THREADS:-2}
SIZES=${BENCH_SIZES:-$($quick && echo "1000" || echo "1000 1000000")}
JDK25=${BENCH_JDK25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
[ "$JDK25" = none ] && JDK25=""
BACKENDS=${BENCH_BACKENDS:-h2 pg}
ALL_SERIES="get lifecycle create jdk25 ceilings pgbench"
ONLY=${BENCH_ONLY:-$ALL_SERIES}
for s in $ONLY; do
  [[ " $ALL_SERIES " == *" $s "* ]] || { echo "bench: BENCH_ONLY: unknown series '$s' (known: $ALL_SERIES)" >&2; exit 2; }
done
for b in $BACKENDS; do
  [[ " h2 pg " == *" $b "* ]] || { echo "bench: BENCH_BACKENDS: unknown backend '$b' (h2, pg)" >&2; exit 2; }
done
only() { [[ " $ONLY " == *" $1 "* ]]; }
partial=false
[ "$ONLY" = "$ALL_SERIES" ] && [ "$BACKENDS" = "h2 pg" ] || partial=true
for v in DURATION WARMUP LIFE_DURATION LIFE_WARMUP LIFE_WRITE_WARMUP; do
  [[ ${!v} =~ ^[0-9]+s$ ]] || { echo "bench: $v must be whole seconds like 5s, not '${!v}'" >&2; exit 2; }
done
n1=${SIZES%% *}
if only get || only lifecycle; then LOAD_SIZES=$SIZES; else LOAD_SIZES=$n1; fi
DIALECTS="truefoundry everruns agentcloud recoup"
DELETE_RATE=${BENCH_DELETE_RATE:-4000}
DEL_WARM=$(( DELETE_RATE * ${LIFE_WARMUP%s} )); DEL_MEASURE=$(( DELETE_RATE * ${LIFE_DURATION%s} ))
DEL_POOL=$(( DEL_WARM + DEL_MEASURE )) # per dialect with a DELETE (Everruns, Agentcloud, Recoup)
only lifecycle || DEL_POOL=0
DELETE_DIALECTS="everruns agentcloud recoup"
started=$(date +%s)
WIREMOCK_VERSION=3.13.2
PRISM_VERSION=5.16.0
CLK_TCK=$(getconf CLK_TCK)
# The launcher's default JVM settings: the gateway runs with them, WireMock too (same budget).
JAVA_OPTS_DEFAULT=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' gateway)
[ -n "$JAVA_OPTS_DEFAULT" ] || { echo "bench: cannot read default_java_opts from ./gateway" >&2; exit 1; }

work=$(mktemp -d /tmp/gateway-bench.XXXXXX)
cache="$root/bench/.cache"
mkdir -p "$cache" "$root/bench/results"
log() { printf '[bench] %s\n' "$*" >&2; }
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -n "${pg_bin:-}" ] && as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# Facts for the report (start-up, RSS, settings): key=value lines.
fact() { echo "$1=$2" >> "$work/facts"; }

# ---------------------------------------------------------------- tools
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
# Debian 12: initdb, pg_ctl and pgbench come with the server package (postgresql-15, through "postgresql");
# /usr/bin/pgbench is only pg_wrapper's link, so the server's own binary is used.
pg_bin=""; for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && [ -x "$d/pgbench" ] && pg_bin="$d"; done
[ -z "$pg_bin" ] && need+=(postgresql)
command -v psql >/dev/null || need+=(postgresql-client)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && [ -x "$d/pgbench" ] && pg_bin="$d"; done
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PGBENCH="$pg_bin/pgbench"
wiremock_jar="$cache/wiremock-standalone-$WIREMOCK_VERSION.jar"
[ -f "$wiremock_jar" ] || curl -fsSL -o "$wiremock_jar" \
  "https://repo.maven.apache.org/maven2/org/wiremock/wiremock-standalone/$WIREMOCK_VERSION/wiremock-standalone-$WIREMOCK_VERSION.jar"
prism="$cache/node_modules/.bin/prism"
[ -x "$prism" ] || (cd "$cache" && npm install --silent --no-audit --no-fund "@stoplight/prism-cli@$PRISM_VERSION" >/dev/null 2>&1)

log "building the gateway jar"
./gateway --version >/dev/null
jar="$root/server/target/session-gateway.jar"

# ---------------------------------------------------------------- PostgreSQL
# Defaults otherwise (synchronous_commit and fsync on: the INSERT series asserts both).
pg_port=$(free_port)
if [[ " $BACKENDS " == *" pg "* ]]; then
  mkdir -p "$work/pg"; chmod 755 "$work" "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
  echo bench > "$work/pg/pw"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg/pw"
  as_pg "$pg_bin/initdb" -D "$work/pg/data" -U gateway --pwfile="$work/pg/pw" -A scram-sha-256 >/dev/null
  as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work/pg -c shared_buffers=256MB -c max_connections=100" start >/dev/null
fi
export PGPASSWORD=bench
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U gateway -qAt "$@"; }

# ---------------------------------------------------------------- gateway helpers
secret="bench-secret-0123456789abcdef0123456789"
tenant=bench
account=6f1c1f50-4b1e-4c43-9a4e-2f8f5a0e3c11
gw_port=""; gw_pid=""; gw_ready_ms=0
cpu_pid="" # the server process whose CPU time measure() records (the gateway, WireMock); empty: none

start_gateway() { # backend java data_dir
  local backend=$1 java=$2 data=$3
  gw_port=$(free_port)
  local env=(GATEWAY_PORT="$gw_port" GATEWAY_BIND=127.0.0.1 GATEWAY_DATA_DIR="$data" GATEWAY_JWT_SECRET="$secret" GATEWAY_LOG_LEVEL=WARN)
  if [ "$backend" = pg ]; then
    env+=(GATEWAY_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/gateway" GATEWAY_DB_USER=gateway GATEWAY_DB_PASSWORD=bench GATEWAY_DB_POOL_SIZE=16)
  fi
  local probe; probe=$(admin_token) # minted before the clock starts: no second JVM inside the measurement
  local t0; t0=$(date +%s%N)
  # The launcher execs java: $! is the gateway's JVM.
  env "${env[@]}" GATEWAY_JAVA="$java" ./gateway serve >"$work/gateway-$backend.log" 2>&1 &
  gw_pid=$!; pids+=("$gw_pid"); cpu_pid=$gw_pid
  until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gw_port/admin/v1/tenants/$tenant/agents" \
      -H "Authorization: Bearer $probe" | grep -q 200; do
    kill -0 "$gw_pid" 2>/dev/null || { cat "$work/gateway-$backend.log" >&2; exit 1; }
    sleep 0.02
  done
  gw_ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop_gateway() { profile_pending; kill "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true; gw_pid=""; cpu_pid=""; }
# The series BENCH_JFR names, profiled once the gateway's measurements are over (before it stops, after its peak RSS
# is read): starting a recording instruments JDK classes and deoptimises compiled code (a TrueFoundry first page
# measured 2.7x its CPU per request with a recording started at its window, and the series after a recorded one paid
# too), so no measured window runs with or right after a recording. One recording for the queue; per series a window
# of the same load and duration, dumped by its begin and end, summarised by bench/jfr-top.py into the results file.
profile_pending() {
  [ -s "$work/jfr-queue" ] && [ -n "${gw_pid:-}" ] && kill -0 "$gw_pid" 2>/dev/null || { rm -f "$work/jfr-queue"; return 0; }
  mkdir -p "$work/jfr"
  if jcmd "$gw_pid" JFR.start name=profile settings=profile >/dev/null 2>&1; then
    local line name dur begin end file args first=true
    while IFS= read -r line; do
      IFS=$'\x1f' read -r -a args <<<"$line"
      name=${args[0]} dur=${args[1]}; args=("${args[@]:2}")
      # a few seconds of the first load first: the JIT recompiles what the recording's start deoptimised
      $first && { wrk -t"$THREADS" -c"$CONN" -d5s "${args[@]}" </dev/null >/dev/null 2>&1 || true; first=false; }
      sleep 1; begin=$(date +%H:%M:%S); sleep 1
      wrk -t"$THREADS" -c"$CONN" -d"$dur" --timeout "$WRK_TIMEOUT" "${args[@]}" </dev/null >/dev/null 2>&1 || true
      end=$(date +%H:%M:%S)
      file="$work/jfr/$(tr -c 'A-Za-z0-9=.-' '_' <<<"$name").jfr"
      jcmd "$gw_pid" JFR.dump name=profile filename="$file" begin="$begin" end="$end" </dev/null >/dev/null 2>&1 || true
      [ -s "$file" ] && python3 bench/jfr-top.py "$file" "$name" >> "$work/profiles" 2>/dev/null || true
      settle </dev/null
    done < "$work/jfr-queue"
    jcmd "$gw_pid" JFR.stop name=profile >/dev/null 2>&1 || true
  fi
  rm -f "$work/jfr-queue"
}
peak_rss_mb() { awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$1/status"; }
# The gateway's peak RSS so far, recorded after each series group (VmHWM only grows: the table shows which load
# raised it). Args: label
rss_mark() { [ -n "${gw_pid:-}" ] && echo "$1|$(peak_rss_mb "$gw_pid")" >> "$work/rss"; return 0; }
cpu_ticks() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo ""; }
cli() { GATEWAY_JWT_SECRET="$secret" java -jar "$jar" "$@"; }
admin_token_cache=""
admin_token() { [ -n "$admin_token_cache" ] || admin_token_cache=$(cli token --tenant "$tenant" --subject bench-admin --admin --ttl 1d); echo "$admin_token_cache"; }

# wrk wrapper: name, then wrk args; appends "name|rps|p50|p99|errors|requests|cpu_us_per_request" to $work/rows.
# The duration is $DURATION, or $mdur when set (the lifecycle series). A series that completed no request is logged
# loudly and listed at the top of the results.
measure() {
  local name=$1; shift
  local t0 t1 out w
  if [ -n "$JFR_SERIES" ] && [ -n "$cpu_pid" ] && [ "$cpu_pid" = "${gw_pid:-}" ]; then
    for w in $JFR_SERIES; do
      # queued: profiled when this gateway's measurements are over (profile_pending)
      [[ " $name " == *" $w "* ]] && { printf '%s\x1f' "$name" "${mdur:-$DURATION}" "$@"; echo; } >> "$work/jfr-queue" && break
    done
  fi
  t0=$(cpu_ticks "$cpu_pid")
  out=$(wrk -t"$THREADS" -c"$CONN" -d"${mdur:-$DURATION}" --timeout "$WRK_TIMEOUT" --latency "$@" 2>&1) || true
  t1=$(cpu_ticks "$cpu_pid")
  local rps p50 p99 non2xx sockerr requests cpu=""
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out"); requests=${requests:-0}
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out"); sockerr=${sockerr:-0}
  if grep -q '^delete-pool: .*ran out: yes' <<<"$out"; then name="$name (id list ran out)"; fi
  grep '^delete-pool:' <<<"$out" | sed 's/^/[bench]   /' >&2 || true
  if [ -n "$t0" ] && [ -n "$t1" ] && [ "$requests" -gt 0 ]; then
    cpu=$(( (t1 - t0) * 1000000 / CLK_TCK / requests ))
  fi
  echo "$name|${rps:-0}|$p50|$p99|$((non2xx + sockerr))|$requests|$cpu" >> "$work/rows"
  log "$(printf '%-44s %10s req/s  p50 %-9s p99 %-9s errors %-5s cpu/req %sus' "$name" "${rps:-0}" "$p50" "$p99" \
    "$((non2xx + sockerr))" "$cpu")"
  if [ "$requests" = 0 ]; then
    log "!!! $name: NO REQUEST COMPLETED in ${mdur:-$DURATION} (wrk said: $(tr '\n' ' ' <<<"$out" | head -c 600))"
  fi
  settle
}

# After a series, wait until the gateway has worked off what wrk left queued when it stopped (requests slower than
# the series, such as offset pages at 10^6, keep every worker thread busy long after wrk exits; the next series would
# measure that backlog instead of its own requests). Waits until /health/live, served by the same worker threads,
# answers within 1 s, at most 300 s, and logs the wait when there was one.
settle() {
  [ -n "${gw_pid:-}" ] && kill -0 "$gw_pid" 2>/dev/null || return 0
  local t0=$SECONDS
  until curl -s -o /dev/null -m 1 "http://127.0.0.1:$gw_port/health/live"; do
    (( SECONDS - t0 > 300 )) && { log "settle: the gateway still busy after 300 s"; return 0; }
    sleep 1
  done
  (( SECONDS - t0 > 1 )) && log "settle: waited $(( SECONDS - t0 )) s for the previous series' queued requests"
  return 0
}
# JIT warm-up before a series: the same load, results discarded. $WARMUP, or $wdur when set.
warmup() { wrk -t"$THREADS" -c"$CONN" -d"${wdur:-$WARMUP}" "$@" >/dev/null 2>&1 || true; settle; }
# Warm-up of every dialect's GET in turn, then the GET series: one line per dialect. Args: label n tok team
get_series() {
  local label=$1 n=$2 tok=$3 team=$4 d scope
  for d in $DIALECTS; do
    scope=$tenant; [ "$d" = agentcloud ] && scope=$team
    warmup -s bench/lua/get.lua "http://127.0.0.1:$gw_port" -- "$d" "$n" "$tok" "$scope"
  done
  for d in $DIALECTS; do
    scope=$tenant; [ "$d" = agentcloud ] && scope=$team
    measure "$label n=$n GET $d" -s bench/lua/get.lua "http://127.0.0.1:$gw_port" -- "$d" "$n" "$tok" "$scope"
  done
}

# GET a path once and check it answers 2xx (a series of errors would measure the error path): prints the body.
probe() { # method path token [body]
  local code
  code=$(curl -s -o "$work/probe.json" -w '%{http_code}' -X "$1" "http://127.0.0.1:$gw_port$2" -H "Authorization: Bearer $3" \
    ${4:+-H 'Content-Type: application/json' -d "$4"})
  case $code in 2??) cat "$work/probe.json" ;; *) log "probe $1 $2 answered $code: $(head -c 400 "$work/probe.json")"; exit 1 ;; esac
}
json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }
hex() { printf "%0${2}x" "$1"; }

# A delete of a session already deleted (the first of a list): its status and body go into the results' notes.
repeat_delete() { # name dialect i token scope
  local path body="" code
  case $2 in
    everruns) path="/v1/sessions/session_00000000000070008000$(hex "$3" 12)" ;;
    recoup) path="/api/sessions/session_00000000000070008000$(hex "$3" 12)" ;;
    agentcloud) path="/$5/forms/session/$(hex "$3" 24)"; body="{\"sessionId\":\"$(hex "$3" 24)\"}" ;;
  esac
  code=$(curl -s -o "$work/repeat.json" -w '%{http_code}' -X DELETE "http://127.0.0.1:$gw_port$path" \
    -H "Authorization: Bearer $4" ${body:+-H 'Content-Type: application/json' -d "$body"})
  echo "$1: the same id again answers $code \`$(head -c 200 "$work/repeat.json" | tr -d '\n')\`" >> "$work/notes"
}

# The lifecycle series at N loaded sessions: list pages (first, deep), PATCH, cancel, DELETE. Args: label n tok team
# Every series is warmed up for each dialect in turn first, as GET is. Runs after the GET series at the same N.
lifecycle_series() {
  local label=$1 n=$2 tok=$3 team=$4 d mid end from tf_mid token ev_next k first
  local -A list deep
  local mdur=$LIFE_DURATION wdur=$LIFE_WARMUP # seen by measure and warmup
  mid=$(( n / 2 ))
  from=2000-01-01T00:00:00Z; end=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  # First pages: 20 sessions each (Agentcloud's page is the vendor's fixed 10).
  list[truefoundry]="/$tenant/v1/agents/sessions?agent_name=bench-agent&limit=20&start_timestamp=$from&end_timestamp=$end"
  list[everruns]="/v1/sessions?limit=20"
  list[agentcloud]="/$team/sessions.json"
  list[recoup]="/api/sessions?limit=20"
  # Deep pages, in the middle of the N sessions: TrueFoundry's keyset token of the page after session N/2 (the first
  # page of a window ending at N/2's created_at gives it), Everruns' offset N/2 (the vendor's paging) and the keyset
  # cursor of that page's next_url, Agentcloud's before=<ObjectId of N/2> (the vendor's own keyset), Recoup's offset
  # N/2 (the vendor's web app pages by offset).
  tf_mid=$(probe GET "/$tenant/v1/agents/sessions/session_00000000000070008000$(hex "$mid" 12)" "$tok" | json_field data.created_at)
  token=$(probe GET "/$tenant/v1/agents/sessions?agent_name=bench-agent&limit=20&start_timestamp=$from&end_timestamp=$tf_mid" "$tok" \
    | json_field pagination.next_page_token)
  deep[truefoundry]="/$tenant/v1/agents/sessions?agent_name=bench-agent&limit=20&start_timestamp=$from&end_timestamp=$tf_mid&page_token=$token"
  deep[everruns-offset]="/v1/sessions?limit=20&offset=$mid"
  ev_next=$(probe GET "${deep[everruns-offset]}" "$tok" | json_field next_url)
  deep[everruns-cursor]="/${ev_next#*://*/}"
  deep[agentcloud]="/$team/sessions.json?before=$(hex "$mid" 24)"
  deep[recoup-offset]="/api/sessions?limit=20&offset=$mid"
  for d in $DIALECTS; do probe GET "${list[$d]}" "$tok" >/dev/null; warmup -s bench/lua/static.lua "http://127.0.0.1:$gw_port" -- "${list[$d]}" "$tok"; done
  for d in $DIALECTS; do
    measure "$label n=$n LIST $d" -s bench/lua/static.lua "http://127.0.0.1:$gw_port" -- "${list[$d]}" "$tok"
  done
  for d in truefoundry everruns-offset everruns-cursor agentcloud recoup-offset; do
    probe GET "${deep[$d]}" "$tok" >/dev/null
    measure "$label n=$n LIST-DEEP ${d%%-*}${d#${d%%-*}}" -s bench/lua/static.lua "http://127.0.0.1:$gw_port" -- "${deep[$d]}" "$tok"
  done
  # PATCH (Everruns title, Recoup title, Agentcloud edit of the variables) and cancel, on random sessions of the N.
  # The JIT takes far longer over the PATCH path than over a read: on the idle machine an Everruns PATCH at 10^6 cost
  # 3.7, 1.8, 1.4 ms of CPU in its first three 10 s windows and settled at 0.78 ms from the fourth on
  # (bench/results/profile-2026-12-05.md, r15), where 2 s of warm-up had measured 2.8 ms. So every dialect's PATCH is
  # warmed up in turn for $LIFE_WRITE_WARMUP before the first is measured, as the GET series does.
  for d in everruns recoup agentcloud; do
    scope=$tenant; [ "$d" = agentcloud ] && scope=$team
    wdur=$LIFE_WRITE_WARMUP warmup -s bench/lua/write.lua "http://127.0.0.1:$gw_port" -- "$d" patch "$n" "$tok" "$scope"
  done
  for d in everruns recoup agentcloud; do
    scope=$tenant; [ "$d" = agentcloud ] && scope=$team
    measure "$label n=$n PATCH $d" -s bench/lua/write.lua "http://127.0.0.1:$gw_port" -- "$d" patch "$n" "$tok" "$scope"
  done
  for d in truefoundry everruns agentcloud; do
    scope=$tenant; [ "$d" = agentcloud ] && scope=$team
    warmup -s bench/lua/write.lua "http://127.0.0.1:$gw_port" -- "$d" cancel "$n" "$tok" "$scope"
    measure "$label n=$n CANCEL $d" -s bench/lua/write.lua "http://127.0.0.1:$gw_port" -- "$d" cancel "$n" "$tok" "$scope"
  done
  # DELETE: each dialect walks its own list of sessions loaded for the purpose (after the N), the warm-up the first
  # DEL_WARM of them, the measurement the rest; each session is deleted once. Then one repeat of a deleted id.
  k=0
  for d in $DELETE_DIALECTS; do
    scope=$tenant; [ "$d" = agentcloud ] && scope=$team
    first=$(( n + k * DEL_POOL + 1 ))
    warmup -s bench/lua/delete.lua "http://127.0.0.1:$gw_port" -- "$d" "$first" "$(( first + DEL_WARM - 1 ))" "$THREADS" "$tok" "$scope"
    measure "$label n=$n DELETE $d" -s bench/lua/delete.lua "http://127.0.0.1:$gw_port" -- \
      "$d" "$(( first + DEL_WARM ))" "$(( first + DEL_POOL - 1 ))" "$THREADS" "$tok" "$scope"
    repeat_delete "$label n=$n DELETE $d" "$d" "$first" "$tok" "$scope"
    k=$(( k + 1 ))
  done
}

# bulk_sql: bench/bulk.sh
. bench/bulk.sh

load_sessions() { # backend N data_dir
  local backend=$1 n=$2 data=$3
  log "loading $n sessions (+ $((3 * DEL_POOL)) to delete) into $backend"
  if [ "$backend" = pg ]; then
    bulk_sql pg "$n" | psql_ -d gateway >/dev/null; psql_ -d gateway -c 'ANALYZE session' >/dev/null
  else
    stop_gateway
    bulk_sql h2 "$n" > "$work/load.sql"
    java -Xmx1g -cp "$jar" org.h2.tools.RunScript -url "jdbc:h2:file:$data/gateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE" \
      -script "$work/load.sql" >/dev/null
    start_gateway h2 java "$data"
  fi
}

provision() { # prints: team app_id everruns_agent token
  cli agent create --tenant "$tenant" --name bench-agent --url "http://127.0.0.1:$gw_port" >"$work/agent.json" 2>/dev/null
  local team app ev tok
  team=$(sed -n 's/.*"team" : "\([0-9a-f]\{24\}\)".*/\1/p' "$work/agent.json")
  app=$(sed -n 's/.*"agentcloud" : "\([0-9a-f]\{24\}\)".*/\1/p' "$work/agent.json")
  ev=$(sed -n 's/.*"everruns" : "\(agent_[0-9a-f]\{32\}\)".*/\1/p' "$work/agent.json")
  tok=$(cli token --tenant "$tenant" --subject bench-user --team "$team" --account "$account" --ttl 1d)
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$gw_port/$tenant/v1/agents/sessions" -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' -d '{"agent_name":"bench-agent","id":"bench-seed"}'
  echo "$team $app $ev $tok"
}

# Create per dialect: warm-up of each in turn, then one line per dialect. Args: label tok team app ev
create_series() {
  local label=$1 tok=$2 team=$3 app=$4 ev=$5 d scope agent
  for d in $DIALECTS; do
    scope=$tenant; agent=bench-agent
    case $d in everruns) agent=$ev ;; agentcloud) scope=$team; agent=$app ;; esac
    warmup -s bench/lua/create.lua "http://127.0.0.1:$gw_port" -- "$d" "$tok" "$scope" "$agent"
  done
  for d in $DIALECTS; do
    scope=$tenant; agent=bench-agent
    case $d in everruns) agent=$ev ;; agentcloud) scope=$team; agent=$app ;; esac
    measure "$label create $d" -s bench/lua/create.lua "http://127.0.0.1:$gw_port" -- "$d" "$tok" "$scope" "$agent"
  done
}

pgbench_row() { # name, then pgbench args: appends a row as measure() does (tps; average latency as p50; no p99)
  local name=$1; shift
  local out tps lat failed txs
  out=$("$PGBENCH" -h 127.0.0.1 -p "$pg_port" -U gateway -n -c "$CONN" -j "$THREADS" -T "${DURATION%s}" "$@" gateway 2>&1) || true
  tps=$(awk '/^tps/ {print $3}' <<<"$out" | head -1)
  lat=$(awk '/latency average/ {print $4}' <<<"$out")
  txs=$(awk '/number of transactions actually processed/ {print $NF}' <<<"$out" | cut -d/ -f1)
  failed=$(awk '/number of failed transactions/ {print $5}' <<<"$out"); failed=${failed:-0}
  if [ -z "$tps" ] || grep -q 'aborted' <<<"$out"; then log "!!! $name: pgbench failed: $(tail -c 600 <<<"$out")"; fi
  echo "$name|${tps:-0}|${lat:+${lat}ms avg}||$failed|${txs:-0}|" >> "$work/rows"
  log "$(printf '%-44s %10s tps  latency avg %s ms' "$name" "${tps:-0}" "$lat")"
}

# pgbench's single-row INSERT of a row as wide as the gateway's create writes, with the same durability. The table
# copies the session table's column types and defaults (LIKE), with its primary key and its two unique ids
# (public_id, object_id) but not its keyset indexes or foreign keys; the row's values are those of the widest
# session the gateway created in this run (the create series), except the three ids, fresh and increasing per client
# as the gateway's are (UUIDv7, ObjectId: time first), and the two timestamps (now()). One row per transaction,
# -M prepared (the JDBC driver prepares server-side too), the same clients and duration as the create series.
pgbench_insert() {
  local sc fs sample
  sc=$(psql_ -d gateway -c 'SHOW synchronous_commit'); fs=$(psql_ -d gateway -c 'SHOW fsync')
  fact pg_synchronous_commit "$sc"; fact pg_fsync "$fs"
  if [ "$sc" != on ] || [ "$fs" != on ]; then
    log "!!! PostgreSQL runs with synchronous_commit=$sc fsync=$fs: not the durability the gateway's creates have"
    exit 1
  fi
  sample=$(psql_ -d gateway -c "SELECT to_jsonb(s) FROM session s WHERE public_id NOT LIKE 'session_00000000000070008000%'
      ORDER BY (public_id = 'bench-seed'), pg_column_size(s.*) DESC, created_at DESC LIMIT 1")
  fact pg_gateway_row_bytes "$(psql_ -d gateway -c "SELECT pg_column_size(s.*) FROM session s
      WHERE public_id = '$(json_field public_id <<<"$sample")'")"
  psql_ -d gateway -c "SET client_min_messages = warning; DROP TABLE IF EXISTS bench_insert;
      CREATE TABLE bench_insert (LIKE session INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
      ALTER TABLE bench_insert ADD PRIMARY KEY (id), ADD UNIQUE (public_id), ADD UNIQUE (object_id)" >/dev/null
  python3 - "$sample" > "$work/insert.sql" <<'PY'
import json, sys
row = json.loads(sys.argv[1])
seq = "lpad(to_hex(CAST(:seq AS bigint)), 12, '0')"
cid = "lpad(to_hex(CAST(:client_id AS int)), 4, '0')"
rnd = "lpad(to_hex(CAST(:r AS bigint)), 12, '0')"
fresh = {
    "id": f"CAST(substr({seq}, 1, 8) || '-' || substr({seq}, 9, 4) || '-7' || substr({cid}, 2, 3) || '-8000-' || {rnd} AS uuid)",
    "public_id": f"'session_' || {seq} || '7' || substr({cid}, 2, 3) || '8000' || {rnd}",
    "object_id": f"{seq} || {cid} || substr({rnd}, 1, 8)",
    "created_at": "now()",
    "updated_at": "now()",
}
cols, vals = [], []
for k, v in row.items():
    if v is None and k not in fresh:
        continue
    cols.append(k)
    if k in fresh:
        vals.append(fresh[k])
    else:
        text = v if isinstance(v, str) else json.dumps(v)
        vals.append("'" + text.replace("'", "''") + "'")
print("\\set seq :seq + 1")
print("\\set r random(1, 281474976710655)")
print(f"INSERT INTO bench_insert ({', '.join(cols)}) VALUES ({', '.join(vals)});")
PY
  pgbench_row "pgbench INSERT same row" -M prepared -D seq=0 -f "$work/insert.sql"
  fact pg_insert_row_bytes "$(psql_ -d gateway -c 'SELECT round(avg(pg_column_size(b.*))) FROM bench_insert b')"
  cp "$work/insert.sql" "$cache/last-insert.sql"
}

: > "$work/rows"; : > "$work/notes"; : > "$work/rss"; : > "$work/facts"
admin_token >/dev/null # mint the start-up probe's token now, outside every measurement
jdk25_version=""
[ -n "$JDK25" ] && jdk25_version=$("$JDK25" -version 2>&1 | awk -F'"' '/version/ {print $2}')
# Start-up is measured twice: the first start of a build (empty data dir: migrations; no class-data-sharing archive
# yet, the launcher writes it when that process stops) and a restart (the usual case).
rm -rf server/target/cds
for backend in $BACKENDS; do
  data="$work/data-$backend"; mkdir -p "$data"
  [ "$backend" = pg ] && psql_ -d postgres -c 'CREATE DATABASE gateway' >/dev/null
  start_gateway "$backend" java "$data"
  fact "ready_${backend}_first" "$gw_ready_ms"
  read -r team app ev tok < <(provision)
  stop_gateway; start_gateway "$backend" java "$data"
  fact "ready_$backend" "$gw_ready_ms"
  loaded=0
  for n in $LOAD_SIZES; do
    load_sessions "$backend" "$n" "$data"; loaded=$n
    if only get; then get_series "$backend" "$n" "$tok" "$team"; rss_mark "$backend, JDK 17: after GET n=$n"; fi
    if only lifecycle; then
      lifecycle_series "$backend" "$n" "$tok" "$team"; rss_mark "$backend, JDK 17: after the lifecycle n=$n"
    fi
  done
  if only create; then create_series "$backend" "$tok" "$team" "$app" "$ev"; rss_mark "$backend, JDK 17: after create"; fi
  fact "rss_$backend" "$(peak_rss_mb "$gw_pid")"
  if [ "$backend" = h2 ]; then
    # the same response bytes for the static ceilings
    curl -fs "http://127.0.0.1:$gw_port/$tenant/v1/agents/sessions/session_00000000000070008000000000000001" \
      -H "Authorization: Bearer $tok" > "$work/response.json"
  fi
  stop_gateway
  if [ "$backend" = pg ] && only pgbench; then
    cat > "$work/pk.sql" <<PGB
\\set i random(1, $loaded)
SELECT * FROM session WHERE public_id = 'session_00000000000070008000' || lpad(to_hex(:i), 12, '0');
PGB
    pgbench_row "pgbench PK select n=$loaded" -f "$work/pk.sql"
    pgbench_insert
  fi
  if only jdk25 && [ -n "$JDK25" ]; then
    # The newer JDK: a first start writes its class-data-sharing archive when it stops; the restart is measured.
    # Then GET at the largest N (on H2 the page cache is then largest, in the heap) and create, under which its peak
    # RSS is taken.
    start_gateway "$backend" "$JDK25" "$data"; stop_gateway
    start_gateway "$backend" "$JDK25" "$data"
    fact "ready_${backend}_jdk25" "$gw_ready_ms"
    get_series "$backend (JDK $jdk25_version)" "$loaded" "$tok" "$team"
    rss_mark "$backend, JDK $jdk25_version: after GET n=$loaded"
    create_series "$backend (JDK $jdk25_version)" "$tok" "$team" "$app" "$ev"
    rss_mark "$backend, JDK $jdk25_version: after create"
    fact "rss_${backend}_jdk25" "$(peak_rss_mb "$gw_pid")"
    stop_gateway
  fi
done

# ---------------------------------------------------------------- ceilings and alternatives
if only ceilings; then
  if [ ! -s "$work/response.json" ]; then
    log "!!! the ceilings serve the H2 gateway's answer to GET of session 1: run with h2 in BENCH_BACKENDS"; exit 2
  fi
  tok=$(cli token --tenant "$tenant" --subject bench-user --ttl 1d)
  ng_port=$(free_port); mkdir -p "$work/www/$tenant/v1/agents/sessions"
  cp "$work/response.json" "$work/www/$tenant/v1/agents/sessions/static"
  cat > "$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$ng_port; root $work/www; }
}
NGINX
  "$NGINX" -c "$work/nginx.conf"
  sleep 0.5
  measure "nginx static same bytes" -s bench/lua/static.lua "http://127.0.0.1:$ng_port" -- "/$tenant/v1/agents/sessions/static" "$tok"
  kill "$(cat "$work/nginx.pid")"; rm -f "$work/nginx.pid"

  wm_port=$(free_port)
  # shellcheck disable=SC2086 # the launcher's options, split into words as the launcher splits them
  java $JAVA_OPTS_DEFAULT -jar "$wiremock_jar" --port "$wm_port" --bind-address 127.0.0.1 --disable-banner \
    --disable-request-logging --no-request-journal > "$work/wiremock.log" 2>&1 &
  wm_pid=$!; pids+=("$wm_pid")
  until curl -s -o /dev/null "http://127.0.0.1:$wm_port/__admin/mappings"; do sleep 0.2; done
  python3 - "$work/response.json" "$wm_port" "$tenant" <<'PY'
import json, sys, urllib.request
body = open(sys.argv[1]).read()
stub = {"request": {"method": "GET", "urlPath": f"/{sys.argv[3]}/v1/agents/sessions/static"},
        "response": {"status": 200, "body": body, "headers": {"Content-Type": "application/json"}}}
urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{sys.argv[2]}/__admin/mappings",
    data=json.dumps(stub).encode(), headers={"Content-Type": "application/json"}, method="POST")).read()
PY
  cpu_pid=$wm_pid
  warmup -s bench/lua/static.lua "http://127.0.0.1:$wm_port" -- "/$tenant/v1/agents/sessions/static" "$tok"
  measure "wiremock same response" -s bench/lua/static.lua "http://127.0.0.1:$wm_port" -- "/$tenant/v1/agents/sessions/static" "$tok"
  cpu_pid=""
  fact rss_wiremock "$(peak_rss_mb "$wm_pid")"
  kill "$wm_pid"

  pr_port=$(free_port)
  "$prism" mock -h 127.0.0.1 -p "$pr_port" specs/truefoundry/get-session.yaml > "$work/prism.log" 2>&1 &
  pids+=($!)
  until curl -s -o /dev/null "http://127.0.0.1:$pr_port/v1/agents/sessions/x" -H "Authorization: Bearer $tok"; do sleep 0.2; done
  measure "prism mock same document" -s bench/lua/static.lua "http://127.0.0.1:$pr_port" -- "/v1/agents/sessions/static" "$tok"
  kill "${pids[-1]}"
fi

# ---------------------------------------------------------------- report
fact duration "$DURATION"; fact warmup "$WARMUP"; fact life_duration "$LIFE_DURATION"; fact life_warmup "$LIFE_WARMUP"; fact life_write_warmup "$LIFE_WRITE_WARMUP"; fact jfr "$JFR_SERIES"
fact connections "$CONN"; fact threads "$THREADS"; fact sizes "$SIZES"; fact jvm_opts "$JAVA_OPTS_DEFAULT"
fact only "$ONLY"; fact backends "$BACKENDS"; fact partial "$partial"; fact jdk25 "$jdk25_version"; fact quick "$quick"
fact del_warm "$DEL_WARM"; fact del_measure "$DEL_MEASURE"; fact took "$(( $(date +%s) - started ))"
# kept to rewrite the report without a rerun:
# python3 bench/report.py bench/.cache/last-{rows,facts,rss,notes} bench/results bench/.cache/last-profiles
touch "$work/profiles"
for f in rows facts rss notes profiles; do cp "$work/$f" "$cache/last-$f"; done
python3 bench/report.py "$work/rows" "$work/facts" "$work/rss" "$work/notes" "$root/bench/results" "$work/profiles"
