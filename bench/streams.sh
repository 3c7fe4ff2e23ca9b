#!/usr/bin/env bash
# The streams series (issue #13, "Done when"): bench/run.sh streams [--quick], or bench/streams.sh [--quick].
#
# Two gateway instances over one PostgreSQL: a writer posting messages on instance A (to sessions whose agent's
# responder is echo), N SSE subscribers on instance B; then the same with writer and subscribers on ONE instance (A).
# Reports delivery latency (a post's send to each subscriber's receipt of the first frame carrying it, p50/p90/p99/
# max; client and servers on this one machine, one clock) and events per second delivered to all subscribers, and
# writes bench/results/streams-<date>.md. The client is bench/streams/StreamBench.java (java.net.http, HdrHistogram
# from Maven Central; Java source launch, nothing to build).
#
# The routes are parameters (defaults: Everruns' GET /v1/sessions/{id}/sse, resumed with since_id, and
# POST /v1/sessions/{id}/messages): BENCH_STREAM_PATH, BENCH_STREAM_RESUME (header = Last-Event-ID, or
# query:NAME), BENCH_POST_PATH, BENCH_POST_BODY (JSON with {text}), BENCH_CREATE_PATH and BENCH_CREATE_BODY (JSON
# with {agent}: the Everruns agent id) for the sessions.
# Knobs: BENCH_SUBSCRIBERS (1000; --quick 100), BENCH_STREAM_SESSIONS (10: subscribers and posts round robin over
# them), BENCH_STREAM_RATE (posts per second over all sessions, sent open-loop: 5; a rate the gateways cannot keep up with shows as queueing, timed-out posts and growing latency, not as delivery latency), BENCH_DURATION (20s; --quick 10s),
# BENCH_WARMUP (5s), BENCH_JAR (a built session-gateway.jar; default: ./gateway builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

quick=false
[ "${1:-}" = "--quick" ] && quick=true
SUBSCRIBERS=${BENCH_SUBSCRIBERS:-$($quick && echo 100 || echo 1000)}
SESSIONS=${BENCH_STREAM_SESSIONS:-10}
RATE=${BENCH_STREAM_RATE:-5}
DURATION=${BENCH_DURATION:-$($quick && echo 10s || echo 20s)}
WARMUP=${BENCH_WARMUP:-5s}
def_stream='/v1/sessions/{session}/sse' # defaults apart: a } inside ${VAR:-...} would end it
STREAM_PATH=${BENCH_STREAM_PATH:-$def_stream}
RESUME=${BENCH_STREAM_RESUME:-query:since_id}
def_post='/v1/sessions/{session}/messages'
POST_PATH=${BENCH_POST_PATH:-$def_post}
def_body='{"message":{"role":"user","content":[{"type":"text","text":"{text}"}]}}'
POST_BODY=${BENCH_POST_BODY:-$def_body}
CREATE_PATH=${BENCH_CREATE_PATH:-/v1/sessions}
def_create='{"agent_id":"{agent}","title":"bench"}'
CREATE_BODY=${BENCH_CREATE_BODY:-$def_create}
HDR_VERSION=2.2.2
started=$(date +%s)

work=$(mktemp -d /tmp/gateway-streams.XXXXXX)
cache="$root/bench/.cache"
mkdir -p "$cache" "$root/bench/results"
log() { printf '[streams] %s\n' "$*" >&2; }
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  [ -n "${pg_bin:-}" ] && as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# a thousand streams are a thousand sockets in the gateway and as many in the client
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) > 2 * SUBSCRIBERS + 200 )) || log "warning: ulimit -n is $(ulimit -n) for $SUBSCRIBERS subscribers"

# ---------------------------------------------------------------- tools
pg_bin=""; for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
if [ -z "$pg_bin" ]; then
  log "installing postgresql"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
fi
hdr="$cache/HdrHistogram-$HDR_VERSION.jar"
if [ ! -f "$hdr" ]; then
  local_hdr="$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/$HDR_VERSION/HdrHistogram-$HDR_VERSION.jar"
  if [ -f "$local_hdr" ]; then cp "$local_hdr" "$hdr"; else
    curl -fsSL -o "$hdr" \
      "https://repo.maven.apache.org/maven2/org/hdrhistogram/HdrHistogram/$HDR_VERSION/HdrHistogram-$HDR_VERSION.jar"
  fi
fi
if [ -n "${BENCH_JAR:-}" ]; then jar=$BENCH_JAR; else
  log "building the gateway jar"
  ./gateway --version >/dev/null
  jar="$root/server/target/session-gateway.jar"
fi
JAVA_OPTS_DEFAULT=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' gateway)

# ---------------------------------------------------------------- PostgreSQL
pg_port=$(free_port)
mkdir -p "$work/pg"; chmod 755 "$work" "$work/pg"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
echo bench > "$work/pg/pw"; [ "$(id -u)" = 0 ] && chown postgres "$work/pg/pw"
as_pg "$pg_bin/initdb" -D "$work/pg/data" -U gateway --pwfile="$work/pg/pw" -A scram-sha-256 >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work/pg -c shared_buffers=256MB -c max_connections=100" start >/dev/null
export PGPASSWORD=bench
psql -h 127.0.0.1 -p "$pg_port" -U gateway -qAt -d postgres -c 'CREATE DATABASE gateway' >/dev/null

# ---------------------------------------------------------------- two gateways over it
secret="bench-secret-0123456789abcdef0123456789"
tenant=bench
account=6f1c1f50-4b1e-4c43-9a4e-2f8f5a0e3c11
cli() { GATEWAY_JWT_SECRET="$secret" java -jar "$jar" "$@"; }
admin=$(cli token --tenant "$tenant" --subject bench-admin --admin --ttl 1d)
start_gateway() { # name: sets port_<name>
  local name=$1 port; port=$(free_port)
  mkdir -p "$work/data-$name"
  env GATEWAY_PORT="$port" GATEWAY_BIND=127.0.0.1 GATEWAY_DATA_DIR="$work/data-$name" GATEWAY_JWT_SECRET="$secret" \
    GATEWAY_LOG_LEVEL=WARN GATEWAY_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/gateway" GATEWAY_DB_USER=gateway \
    GATEWAY_DB_PASSWORD=bench GATEWAY_DB_POOL_SIZE=16 \
    java $JAVA_OPTS_DEFAULT -jar "$jar" serve >"$work/gateway-$name.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/admin/v1/tenants/$tenant/agents" \
      -H "Authorization: Bearer $admin" | grep -q 200; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/gateway-$name.log" >&2; exit 1; }
    sleep 0.1
  done
  printf -v "port_$name" '%s' "$port"
  printf -v "pid_$name" '%s' "$pid"
}
start_gateway a
start_gateway b
log "gateways on $port_a (writer) and $port_b (subscribers)"

cli agent create --tenant "$tenant" --name bench-agent --responder echo --url "http://127.0.0.1:$port_a" >"$work/agent.json"
team=$(sed -n 's/.*"team" : "\([0-9a-f]\{24\}\)".*/\1/p' "$work/agent.json")
ev=$(sed -n 's/.*"everruns" : "\(agent_[0-9a-f]\{32\}\)".*/\1/p' "$work/agent.json")
tok=$(cli token --tenant "$tenant" --subject bench-user --team "$team" --account "$account" --ttl 1d)
sessions=()
for i in $(seq 1 "$SESSIONS"); do
  body=${CREATE_BODY//\{agent\}/$ev}
  id=$(curl -fsS -X POST "http://127.0.0.1:$port_a$CREATE_PATH" -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' -d "$body" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("id") or d["data"]["id"])')
  sessions+=("$id")
done
session_list=$(IFS=,; echo "${sessions[*]}")
log "$SESSIONS sessions, $SUBSCRIBERS subscribers, $RATE posts/s, warm-up $WARMUP, $DURATION measured"

# ---------------------------------------------------------------- the two series
: > "$work/rows"
run_client() { # label subscribe-port post-port
  local label=$1 sub=$2 post=$3 load0 load1
  load0=$(cut -d' ' -f1 /proc/loadavg)
  java -Xmx512m -cp "$hdr" bench/streams/StreamBench.java \
    "subscribe=http://127.0.0.1:$sub$STREAM_PATH" "post=http://127.0.0.1:$post$POST_PATH" "body=$POST_BODY" \
    "token=$tok" "sessions=$session_list" "subscribers=$SUBSCRIBERS" "rate=$RATE" "resume=$RESUME" \
    "warmup=${WARMUP%s}" "duration=${DURATION%s}" "label=$label" | tee -a "$work/rows.raw" | tr -d '\n' >> "$work/rows"
  load1=$(cut -d' ' -f1 /proc/loadavg)
  echo "|$load0|$load1|$(ps -o rss= -p "$pid_a" | awk '{print int($1/1024)}')|$(ps -o rss= -p "$pid_b" | awk '{print int($1/1024)}')" >> "$work/rows"
}
run_client "two instances (subscribers on B, writer on A)" "$port_b" "$port_a"
run_client "one instance (subscribers and writer on A)" "$port_a" "$port_a"
grep -h -iE 'error|exception' "$work"/gateway-*.log | sort | uniq -c | sort -rn | head -5 > "$work/gateway-errors" || true

# ---------------------------------------------------------------- report
python3 - "$work/rows" "$root/bench/results" "$SUBSCRIBERS" "$SESSIONS" "$RATE" "$DURATION" "$WARMUP" \
  "$JAVA_OPTS_DEFAULT" "$(( $(date +%s) - started ))" "$work/gateway-errors" "$STREAM_PATH" "$POST_PATH" <<'PY'
import datetime, os, platform, subprocess, sys
rows_file, outdir, subs, sessions, rate, dur, warm, jvm, took, errs, stream_path, post_path = sys.argv[1:13]
rows = [l.rstrip("\n").split("|") for l in open(rows_file) if l.strip()]
now = datetime.datetime.now(datetime.timezone.utc)
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cores = os.cpu_count()
mem = int(open("/proc/meminfo").read().split()[1]) // (1024 * 1024)
out = [f"# Streams benchmark {now:%Y-%m-%d %H:%M} UTC", "",
       f"- commit `{commit}`; machine: {cores} cores, {mem} GiB, {platform.platform()}",
       f"- command: `bench/streams.sh` ({subs} SSE subscribers over {sessions} sessions, a writer posting {rate} "
       f"messages/s round robin to the same sessions (agent responder `echo`), warm-up {warm}, measured {dur}); "
       f"subscribe `GET {stream_path}`, post `POST {post_path}`; two gateway instances over one PostgreSQL "
       f"(`java -jar session-gateway.jar serve` with the launcher's JVM options `{jvm}`), client `bench/streams/StreamBench.java` (java.net.http, HdrHistogram); "
       f"the run took {int(took) // 60} min {int(took) % 60} s",
       "- everything on this one machine, client, both gateways and PostgreSQL sharing the cores: latency is a post's "
       "send to a subscriber's receipt of the first frame carrying it (one clock: the client's `System.nanoTime()`); "
       "events/s counts every dispatched SSE event at all subscribers (the echo responder's deltas, messages and "
       "turn events too)", "",
       "| series | subscribers | posts | deliveries / expected | events/s | p50 | p90 | p99 | max | reconnects | errors | load before / after | RSS A / B |",
       "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
for r in rows:
    (label, n, posts, deliv, exp, eps, p50, p90, p99, mx, rec, err, l0, l1, rss_a, rss_b) = r
    out.append(f"| {label} | {n} | {posts} | {deliv} / {exp} | {eps} | {p50} ms | {p90} ms | {p99} ms | {mx} ms "
               f"| {rec} | {err} | {l0} / {l1} | {rss_a} / {rss_b} MiB |")
e = [l.rstrip() for l in open(errs) if l.strip()]
out += ["", "Gateway log lines with errors: " + ("none" if not e else "; ".join(e))]
path = os.path.join(outdir, f"streams-{now:%Y-%m-%d}.md")
open(path, "w").write("\n".join(out) + "\n")
print("\n".join(out))
print(f"\nwritten to {path}", file=sys.stderr)
PY
