#!/usr/bin/env bash
# Session Gateway benchmarks, one command: bench/run.sh [--quick]; the streams series: bench/run.sh streams [--quick]
#
# Measures, in one run on this machine: GET and create per dialect at fixed concurrency on H2 and on PostgreSQL
# with N bulk-loaded sessions (10^3 and 10^6); at each N also the lifecycle per dialect: a list page (first page
# and one deep in the middle), PATCH, cancel and DELETE (each delete on a session loaded for the purpose, each
# deleted once), with each one's ratio to GET of the same dialect in the same run; and the ceilings and alternatives on the same machine: nginx serving
# the same bytes as a static file, pgbench's primary-key select on the same table, WireMock standalone serving the
# same response, Stoplight Prism mocking the same document. Also time from process start to first 200, peak RSS
# under load, and GET per dialect on JDK 17 and on the newer JDK. Prints ratios and writes
# bench/results/<date>.md. The gateway runs through the launcher (./gateway serve), so with its default JVM settings.
# Before each series of measurements every dialect is warmed up in turn (the JIT compiles the shared path once, not
# only for the first dialect measured). Start to first 200 is measured with a token minted before the server starts.
#
# Tools: wrk, nginx, pgbench (Debian), WireMock standalone (Maven Central), Prism (npm). Installed when missing.
# Knobs: BENCH_DURATION (15s; --quick 5s), BENCH_CONNECTIONS (32), BENCH_SIZES ("1000 1000000"; --quick "1000"),
# BENCH_WARMUP (per dialect before each series: 10s; --quick 3s), BENCH_DELETE_RATE (4000: sessions loaded per
# second of warm-up and of measurement for each dialect's DELETE series; a list that runs out is marked), BENCH_JDK25 (path to the newer JDK's java;
# default: the first /usr/lib/jvm/*25*/bin/java; "none" to skip).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# The streams series (SSE subscribers, two instances over one PostgreSQL and one): bench/run.sh streams [--quick]
if [ "${1:-}" = streams ]; then shift; exec bench/streams.sh "$@"; fi

quick=false
[ "${1:-}" = "--quick" ] && quick=true
DURATION=${BENCH_DURATION:-$($quick && echo 5s || echo 15s)}
CONN=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
SIZES=${BENCH_SIZES:-$($quick && echo "1000" || echo "1000 1000000")}
WARMUP=${BENCH_WARMUP:-$($quick && echo 3s || echo 10s)}
JDK25=${BENCH_JDK25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1)}
[ "$JDK25" = none ] && JDK25=""
DIALECTS="truefoundry everruns agentcloud recoup"
DELETE_RATE=${BENCH_DELETE_RATE:-4000}
DEL_WARM=$(( DELETE_RATE * ${WARMUP%s} )); DEL_MEASURE=$(( DELETE_RATE * ${DURATION%s} ))
DEL_POOL=$(( DEL_WARM + DEL_MEASURE )) # per dialect with a DELETE (Everruns, Agentcloud, Recoup)
DELETE_DIALECTS="everruns agentcloud recoup"
started=$(date +%s)
WIREMOCK_VERSION=3.13.2
PRISM_VERSION=5.16.0
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

# ---------------------------------------------------------------- tools
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
pg_bin=""; for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
[ -z "$pg_bin" ] && need+=(postgresql)
command -v pgbench >/dev/null || [ -x "${pg_bin:-/nonexistent}/pgbench" ] || need+=(postgresql-contrib)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PGBENCH=$(command -v pgbench || echo "$pg_bin/pgbench")
wiremock_jar="$cache/wiremock-standalone-$WIREMOCK_VERSION.jar"
[ -f "$wiremock_jar" ] || curl -fsSL -o "$wiremock_jar" \
  "https://repo.maven.apache.org/maven2/org/wiremock/wiremock-standalone/$WIREMOCK_VERSION/wiremock-standalone-$WIREMOCK_VERSION.jar"
prism="$cache/node_modules/.bin/prism"
[ -x "$prism" ] || (cd "$cache" && npm install --silent --no-audit --no-fund "@stoplight/prism-cli@$PRISM_VERSION" >/dev/null 2>&1)

log "building the gateway jar"
./gateway --version >/dev/null
jar="$root/server/target/session-gateway.jar"

# ---------------------------------------------------------------- PostgreSQL
pg_port=$(free_port)
mkdir -p "$work/pg"; chmod 755 "$work" "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
echo bench > "$work/pg/pw"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg/pw"
as_pg "$pg_bin/initdb" -D "$work/pg/data" -U gateway --pwfile="$work/pg/pw" -A scram-sha-256 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work/pg -c shared_buffers=256MB -c max_connections=100" start >/dev/null
export PGPASSWORD=bench
psql_() { psql -h 127.0.0.1 -p "$pg_port" -U gateway -qAt "$@"; }

# ---------------------------------------------------------------- gateway helpers
secret="bench-secret-0123456789abcdef0123456789"
tenant=bench
account=6f1c1f50-4b1e-4c43-9a4e-2f8f5a0e3c11
gw_port=""; gw_pid=""; gw_ready_ms=0

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
  gw_pid=$!; pids+=("$gw_pid")
  until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$gw_port/admin/v1/tenants/$tenant/agents" \
      -H "Authorization: Bearer $probe" | grep -q 200; do
    kill -0 "$gw_pid" 2>/dev/null || { cat "$work/gateway-$backend.log" >&2; exit 1; }
    sleep 0.02
  done
  gw_ready_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}
stop_gateway() { kill "$gw_pid" 2>/dev/null || true; wait "$gw_pid" 2>/dev/null || true; gw_pid=""; }
peak_rss_mb() { awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$1/status"; }
cli() { GATEWAY_JWT_SECRET="$secret" java -jar "$jar" "$@"; }
admin_token_cache=""
admin_token() { [ -n "$admin_token_cache" ] || admin_token_cache=$(cli token --tenant "$tenant" --subject bench-admin --admin --ttl 1d); echo "$admin_token_cache"; }

# wrk wrapper: name, then wrk args; appends "name|rps|p50|p99|errors" to $work/rows
measure() {
  local name=$1; shift
  local out; out=$(wrk -t"$THREADS" -c"$CONN" -d"$DURATION" --latency "$@" 2>&1)
  local rps p50 p99 non2xx sockerr
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  sockerr=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10}' <<<"$out"); sockerr=${sockerr:-0}
  if grep -q '^delete-pool: .*ran out: yes' <<<"$out"; then name="$name (id list ran out)"; fi
  grep '^delete-pool:' <<<"$out" | sed 's/^/[bench]   /' >&2 || true
  echo "$name|$rps|$p50|$p99|$((non2xx + sockerr))" >> "$work/rows"
  log "$(printf '%-44s %10s req/s  p50 %-9s p99 %-9s errors %s' "$name" "$rps" "$p50" "$p99" "$((non2xx + sockerr))")"
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
# JIT warm-up before a series: the same load, results discarded.
warmup() { wrk -t"$THREADS" -c"$CONN" -d"$WARMUP" "$@" >/dev/null 2>&1 || true; settle; }
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
  local label=$1 n=$2 tok=$3 team=$4 d mid end from tf_mid token ev_next k first url
  local -A list deep
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
  for d in everruns recoup agentcloud; do
    scope=$tenant; [ "$d" = agentcloud ] && scope=$team
    warmup -s bench/lua/write.lua "http://127.0.0.1:$gw_port" -- "$d" patch "$n" "$tok" "$scope"
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

bulk_sql() { # backend N: sessions 1..N for reads and writes, then DEL_POOL per DELETE dialect
  # Session i is created i ms after session 1 (all before the seed), so that creation order, ObjectId order and
  # the numbering agree and the middle of every list is a known session (N/2). The counters the lists' totals read
  # (session_count) are rebuilt for the tenant, as the migration that introduced them does.
  local backend=$1 n=$2 total hex12 hex24 series created
  total=$(( n + 3 * DEL_POOL ))
  if [ "$backend" = pg ]; then
    hex12="lpad(to_hex(i), 12, '0')"; hex24="lpad(to_hex(i), 24, '0')"; series="generate_series(1, $total) AS g(i)"
    created="s.created_at - ($total + 1 - i) * interval '1 millisecond'"
  else
    hex12="LPAD(LOWER(TO_CHAR(i, 'FMXXXXXXXXXXXX')), 12, '0')"; hex24="LPAD(LOWER(TO_CHAR(i, 'FMXXXXXXXXXXXXXXXXXXXXXXXX')), 24, '0')"
    series="SYSTEM_RANGE(1, $total) AS g(i)"
    created="DATEADD(MILLISECOND, -($total + 1 - i), s.created_at)"
  fi
  cat <<SQL
DELETE FROM session WHERE public_id LIKE 'session_00000000000070008000%';
INSERT INTO session (id, public_id, object_id, tenant_id, team_id, agent_id, owner_id, account_id, title, status,
    warning, lifecycle_version, created_at, updated_at, sharing_mode, is_new_branch)
SELECT CAST('00000000-0000-7000-8000-' || $hex12 AS UUID), 'session_00000000000070008000' || $hex12, $hex24,
    s.tenant_id, s.team_id, s.agent_id, s.owner_id, s.account_id, 'bench ' || i, 'created', FALSE, 0,
    $created, $created, 'team', FALSE
FROM $series CROSS JOIN (SELECT * FROM session WHERE public_id = 'bench-seed') s;
DELETE FROM session_count WHERE tenant_id = (SELECT tenant_id FROM session WHERE public_id = 'bench-seed');
INSERT INTO session_count (tenant_id, scope_id, status, slot, n)
    SELECT tenant_id, tenant_id, status, 0, COUNT(*) FROM session
    WHERE tenant_id = (SELECT tenant_id FROM session WHERE public_id = 'bench-seed') AND deleted_at IS NULL
    GROUP BY tenant_id, status;
INSERT INTO session_count (tenant_id, scope_id, status, slot, n)
    SELECT tenant_id, agent_id, status, 0, COUNT(*) FROM session
    WHERE tenant_id = (SELECT tenant_id FROM session WHERE public_id = 'bench-seed') AND deleted_at IS NULL
    GROUP BY tenant_id, agent_id, status;
INSERT INTO session_count (tenant_id, scope_id, status, slot, n)
    SELECT tenant_id, account_id, status, 0, COUNT(*) FROM session
    WHERE tenant_id = (SELECT tenant_id FROM session WHERE public_id = 'bench-seed') AND deleted_at IS NULL
      AND account_id IS NOT NULL
    GROUP BY tenant_id, account_id, status;
SQL
}

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

: > "$work/rows"; : > "$work/notes"
admin_token >/dev/null # mint the start-up probe's token now, outside every measurement
# Start-up is measured twice: the first start of a build (empty data dir: migrations; no class-data-sharing archive
# yet, the launcher writes it when that process stops) and a restart (the usual case).
rm -rf server/target/cds
declare -A ready rss
for backend in h2 pg; do
  data="$work/data-$backend"; mkdir -p "$data"
  [ "$backend" = pg ] && psql_ -d postgres -c 'CREATE DATABASE gateway' >/dev/null
  start_gateway "$backend" java "$data"
  ready[$backend-first]=$gw_ready_ms
  read -r team app ev tok < <(provision)
  stop_gateway; start_gateway "$backend" java "$data"
  ready[$backend]=$gw_ready_ms
  for n in $SIZES; do
    load_sessions "$backend" "$n" "$data"
    get_series "$backend" "$n" "$tok" "$team"
    lifecycle_series "$backend" "$n" "$tok" "$team"
  done
  for d in $DIALECTS; do
    scope=$tenant; agent=bench-agent
    case $d in everruns) agent=$ev ;; agentcloud) scope=$team; agent=$app ;; esac
    warmup -s bench/lua/create.lua "http://127.0.0.1:$gw_port" -- "$d" "$tok" "$scope" "$agent"
    measure "$backend create $d" -s bench/lua/create.lua "http://127.0.0.1:$gw_port" -- "$d" "$tok" "$scope" "$agent"
  done
  rss[$backend]=$(peak_rss_mb "$gw_pid")
  if [ "$backend" = h2 ]; then
    # the same response bytes for the static ceilings
    curl -fs "http://127.0.0.1:$gw_port/$tenant/v1/agents/sessions/session_00000000000070008000000000000001" \
      -H "Authorization: Bearer $tok" > "$work/response.json"
    if [ -n "$JDK25" ]; then
      stop_gateway
      start_gateway h2 "$JDK25" "$data" # writes this JDK's archive when stopped
      stop_gateway
      start_gateway h2 "$JDK25" "$data"
      ready[h2-jdk25]=$gw_ready_ms
      n1=$(echo "$SIZES" | awk '{print $1}')
      get_series "h2 (JDK $("$JDK25" -version 2>&1 | awk -F'"' '/version/ {print $2}'))" "$n1" "$tok" "$team"
      rss[h2-jdk25]=$(peak_rss_mb "$gw_pid")
    fi
  fi
  if [ "$backend" = pg ]; then
    nmax=$(echo "$SIZES" | awk '{print $NF}')
    cat > "$work/pk.sql" <<PGB
\\set i random(1, $nmax)
SELECT * FROM session WHERE public_id = 'session_00000000000070008000' || lpad(to_hex(:i), 12, '0');
PGB
    out=$("$PGBENCH" -h 127.0.0.1 -p "$pg_port" -U gateway -n -c "$CONN" -j "$THREADS" -T "${DURATION%s}" -f "$work/pk.sql" gateway 2>&1)
    tps=$(awk '/^tps/ {print $3}' <<<"$out" | head -1)
    lat=$(awk '/latency average/ {print $4}' <<<"$out")
    echo "pgbench PK select n=$nmax|$tps|${lat}ms avg||0" >> "$work/rows"
    log "pgbench PK select: $tps tps"
  fi
  stop_gateway
done

# ---------------------------------------------------------------- ceilings and alternatives
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
java $JAVA_OPTS_DEFAULT -jar "$wiremock_jar" --port "$wm_port" --bind-address 127.0.0.1 --disable-banner \
  --disable-request-logging --no-request-journal > "$work/wiremock.log" 2>&1 &
pids+=($!)
until curl -s -o /dev/null "http://127.0.0.1:$wm_port/__admin/mappings"; do sleep 0.2; done
python3 - "$work/response.json" "$wm_port" "$tenant" <<'PY'
import json, sys, urllib.request
body = open(sys.argv[1]).read()
stub = {"request": {"method": "GET", "urlPath": f"/{sys.argv[3]}/v1/agents/sessions/static"},
        "response": {"status": 200, "body": body, "headers": {"Content-Type": "application/json"}}}
urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{sys.argv[2]}/__admin/mappings",
    data=json.dumps(stub).encode(), headers={"Content-Type": "application/json"}, method="POST")).read()
PY
warmup -s bench/lua/static.lua "http://127.0.0.1:$wm_port" -- "/$tenant/v1/agents/sessions/static" "$tok"
measure "wiremock same response" -s bench/lua/static.lua "http://127.0.0.1:$wm_port" -- "/$tenant/v1/agents/sessions/static" "$tok"
wm_rss=$(peak_rss_mb "${pids[-1]}")
kill "${pids[-1]}"

pr_port=$(free_port)
"$prism" mock -h 127.0.0.1 -p "$pr_port" specs/truefoundry/get-session.yaml > "$work/prism.log" 2>&1 &
pids+=($!)
until curl -s -o /dev/null "http://127.0.0.1:$pr_port/v1/agents/sessions/x" -H "Authorization: Bearer $tok"; do sleep 0.2; done
measure "prism mock same document" -s bench/lua/static.lua "http://127.0.0.1:$pr_port" -- "/v1/agents/sessions/static" "$tok"
kill "${pids[-1]}"

# ---------------------------------------------------------------- report
cp "$work/rows" "$cache/last-rows"; cp "$work/notes" "$cache/last-notes" # to rewrite the report without a rerun
python3 - "$work/rows" "$root/bench/results" "$DURATION" "$CONN" "$THREADS" "$SIZES" \
  "${ready[h2]}" "${ready[pg]}" "${ready[h2-jdk25]:-}" "${rss[h2]}" "${rss[pg]}" "${rss[h2-jdk25]:-}" "$wm_rss" \
  "$JAVA_OPTS_DEFAULT" "$WARMUP" "$(( $(date +%s) - started ))" "${ready[h2-first]}" "${ready[pg-first]}" \
  "$work/notes" "$DEL_WARM" "$DEL_MEASURE" <<'PY'
import datetime, os, platform, re, subprocess, sys
rows_file, outdir, dur, conn, threads, sizes, r_h2, r_pg, r_25, rss_h2, rss_pg, rss_25, rss_wm = sys.argv[1:14]
jvm_opts, warmup, took, r_h2_first, r_pg_first, notes_file, del_warm, del_measure = sys.argv[14:22]
notes = [l.rstrip("\n") for l in open(notes_file) if l.strip()]
rows = [l.rstrip("\n").split("|") for l in open(rows_file) if l.strip()]
val = {r[0]: float(r[1] or 0) for r in rows}
def get(prefix):
    for k, v in val.items():
        if k.startswith(prefix):
            return v
    return None
sizes = sizes.split()
n1, nmax = sizes[0], sizes[-1]
ng, wm, pr = get("nginx"), get("wiremock"), get("prism")
pgb = get("pgbench")
lines = []
def ratio(name, a, b):
    if a and b:
        lines.append(f"| {name} | {a/b:.2f} |")
h2tf = get(f"h2 n={n1} GET truefoundry")
ratio("gateway GET (H2, TrueFoundry, n=%s) / nginx static" % n1, h2tf, ng)
ratio("gateway GET (H2, TrueFoundry, n=%s) / WireMock" % n1, h2tf, wm)
ratio("gateway GET (H2, TrueFoundry, n=%s) / Prism" % n1, h2tf, pr)
ratio("gateway GET (PostgreSQL, TrueFoundry, n=%s) / pgbench PK select" % nmax, get(f"pg n={nmax} GET truefoundry"), pgb)
def lat(name):
    for r in rows:
        if r[0].startswith(name):
            return r[2]
def ms(s):
    m = re.match(r"([\d.]+)(us|ms|s)", s or "")
    if not m: return None
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
for backend in ("h2", "pg"):
    for d in ("truefoundry", "everruns", "agentcloud", "recoup"):
        a, b = ms(lat(f"{backend} n={nmax} GET {d}")), ms(lat(f"{backend} n={n1} GET {d}"))
        if a and b and nmax != n1:
            lines.append(f"| GET p50 latency {backend} {d}: n={nmax} / n={n1} | {a/b:.2f} |")
for d in ("truefoundry", "everruns", "agentcloud", "recoup"):
    j25 = next((v for k, v in val.items() if k.startswith("h2 (JDK") and k.endswith(f"n={n1} GET {d}")), None)
    ratio(f"GET H2 {d} n={n1}: newer JDK / JDK 17", j25, get(f"h2 n={n1} GET {d}"))
# The lifecycle rows against GET of the same dialect, backend and N in this run ("a page costs about what a get
# costs"): throughput ratio (1.00 = as fast as a get) and p50 latency ratio (1.00 = as slow as a get).
life = []
for r in rows:
    m = re.match(r"(\S+) n=(\d+) (LIST|LIST-DEEP|PATCH|CANCEL|DELETE) (\S+)", r[0])
    if not m:
        continue
    backend, n, op, d = m.groups()
    d = d.split("-")[0]
    g = next((x for x in rows if x[0] == f"{backend} n={n} GET {d}"), None)
    if g and float(g[1] or 0) and float(r[1] or 0):
        a, b = ms(r[2]), ms(g[2])
        life.append(f"| {r[0]} | {float(r[1]) / float(g[1]):.2f} | {a / b:.2f} |" if a and b else
                    f"| {r[0]} | {float(r[1]) / float(g[1]):.2f} | |")
cpu = ""
try:
    cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")][0]
except Exception:
    pass
mem = ""
try:
    mem = [l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")][0]
    mem = f"{int(mem)//1024//1024} GiB"
except Exception:
    pass
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
now = datetime.datetime.now(datetime.timezone.utc)
out = [f"# Benchmark run {now:%Y-%m-%d %H:%M} UTC", "",
       f"- commit `{commit}`; machine: {os.cpu_count()} cores ({cpu}), {mem}, {platform.platform()}",
       f"- command: `bench/run.sh` with wrk -t{threads} -c{conn} -d{dur} --latency; sizes {' '.join(sizes)}; "
       f"warm-up {warmup} per dialect before each series; gateway through `./gateway serve`, JVM `{jvm_opts}`; "
       f"the run took {int(took) // 60} min {int(took) % 60} s",
       "- everything ran on this one machine in this one run, client and servers sharing the cores; "
       "compare ratios, not absolute numbers", "",
       "| measurement | req/s | p50 | p99 | errors |", "| --- | ---: | ---: | ---: | ---: |"]
out += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
out += ["", "| start to first 200 (ms) / peak RSS under load (MB) | value |", "| --- | ---: |",
        f"| H2, JDK 17: start to first 200 (restart) | {r_h2} |",
        f"| PostgreSQL, JDK 17: start to first 200 (restart) | {r_pg} |",
        f"| H2, newer JDK: start to first 200 (restart) | {r_25 or 'n/a'} |",
        f"| H2, JDK 17: first start of the build (empty data dir, no CDS archive yet) | {r_h2_first} |",
        f"| PostgreSQL, JDK 17: first start (empty database) | {r_pg_first} |",
        f"| H2, JDK 17: peak RSS | {rss_h2} |", f"| PostgreSQL, JDK 17: peak RSS | {rss_pg} |",
        f"| H2, newer JDK: peak RSS | {rss_25 or 'n/a'} |", f"| WireMock peak RSS | {rss_wm} |",
        "", "| ratio | value |", "| --- | ---: |"] + lines
if life:
    out += ["", "Lifecycle operations against GET of the same dialect, backend and N in this run: req/s ratio (1.00 = as",
            "many per second as a get) and p50 ratio (1.00 = as slow as a get). LIST is a first page (20 sessions;",
            "Agentcloud's fixed 10), LIST-DEEP a page in the middle of the N sessions (TrueFoundry keyset token,",
            "Everruns offset and the keyset cursor of that page's next_url, Agentcloud before=<ObjectId>, Recoup",
            "offset). PATCH, CANCEL: random sessions of the N; DELETE: each of a list of sessions loaded for the",
            f"purpose deleted once ({del_warm} per dialect for the warm-up, {del_measure} for the measurement).", "",
            "| operation | req/s / GET | p50 / GET p50 |", "| --- | ---: | ---: |"] + life
if notes:
    out += ["", "Deleting again:", ""] + [f"- {n}" for n in notes]
text = "\n".join(out) + "\n"
path = os.path.join(outdir, f"{now:%Y-%m-%d}.md")
open(path, "w").write(text)
print(text)
print(f"written to {path}", file=sys.stderr)
PY
