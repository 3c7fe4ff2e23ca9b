#!/usr/bin/env bash
# Parallel A/B of GET one session (issue #15, q15-get): two gateways at once, each on its own copy of the example
# fixtures (docs/examples/fixtures.yaml), each under its own `wrk -t1 -cC` with bench/lua/static.lua-style fixed path,
# so both JVMs share the machine's contention; records req/s and the JVM's CPU time per request (utime+stime from
# /proc/PID/stat over the measured window / requests).
# Usage: bench/ab/get-ab.sh JAR_A ENV_A JAR_B ENV_B [dialect] [warmup_s] [measure_s] [connections]
#   ENV_x: extra environment for that gateway, e.g. GATEWAY_HTTP_FAST_READS=false, or - for none.
#   JAR_B may be wiremock:/path/to/wiremock-standalone.jar: WireMock (launcher's JVM options) serving the bytes that
#   gateway A answers, at the same path (as bench/run.sh's ceiling series).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
jar_a=$1; env_a=$2; jar_b=$3; env_b=$4; dialect=${5:-truefoundry}; warm=${6:-40}; dur=${7:-10}; conn=${8:-16}
opts=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' gateway)
secret="ab-secret-0123456789abcdef0123456789abcd"
work=$(mktemp -d /tmp/get-ab.XXXXXX)
pids=()
trap 'for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
tok=$(GATEWAY_JWT_SECRET="$secret" java -jar "$jar_a" token --tenant acme --subject alice --ttl 1d 2>/dev/null | tail -1)
case $dialect in
  truefoundry) path=/acme/v1/agents/sessions/tf-session-0001 ;;
  everruns) path=/v1/sessions/session_0193a000000070008000000000000001 ;;
  agentcloud) path=/66a0000000000000000000d1/session/66a0000000000000000000c2.json ;;
  recoup) path=/api/sessions/session_0193a000000070008000000000000002
          tok=$(GATEWAY_JWT_SECRET="$secret" java -jar "$jar_a" token --tenant acme --subject bob \
                --account 3f1c2a44-0d5e-4c6b-9a10-000000000b0b --ttl 1d 2>/dev/null | tail -1) ;;
esac
cat > "$work/get.lua" <<LUA
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer $tok"
LUA
start() { # name jar env
  local port; port=$(free_port); mkdir -p "$work/$1"
  local extra=(); [ "$3" != - ] && extra=($3)
  env GATEWAY_PORT="$port" GATEWAY_BIND=127.0.0.1 GATEWAY_DATA_DIR="$work/$1" GATEWAY_JWT_SECRET="$secret" \
    GATEWAY_LOG_LEVEL=WARN GATEWAY_FIXTURES="$root/docs/examples/fixtures.yaml" "${extra[@]}" \
    java $opts -jar "$2" serve > "$work/$1.log" 2>&1 &
  pids+=($!); echo "$! $port"
}
read -r pa porta < <(start a "$jar_a" "$env_a")
if [[ $jar_b == wiremock:* ]]; then
  portb=$(free_port)
  java $opts -jar "${jar_b#wiremock:}" --port "$portb" --bind-address 127.0.0.1 --disable-banner \
    --disable-request-logging --no-request-journal > "$work/wiremock.log" 2>&1 &
  pb=$!; pids+=($pb)
  until curl -s -o /dev/null "http://127.0.0.1:$portb/__admin/mappings"; do sleep 0.2; done
  until [ "$(curl -s -o "$work/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$porta$path")" = 200 ]; do sleep 0.2; done
  python3 - "$work/body" "$portb" "$path" <<'PY'
import json, sys, urllib.request
stub = {"request": {"method": "GET", "urlPath": sys.argv[3]},
        "response": {"status": 200, "body": open(sys.argv[1]).read(), "headers": {"Content-Type": "application/json"}}}
urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{sys.argv[2]}/__admin/mappings",
    data=json.dumps(stub).encode(), headers={"Content-Type": "application/json"}, method="POST")).read()
PY
else
  read -r pb portb < <(start b "$jar_b" "$env_b")
fi
for p in $porta $portb; do
  until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$p$path")" = 200 ]; do sleep 0.2; done
done
cmp <(curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$porta$path" | sed 's/"csrf":"[^"]*"//') \
    <(curl -s -H "Authorization: Bearer $tok" "http://127.0.0.1:$portb$path" | sed 's/"csrf":"[^"]*"//') \
    || echo "WARNING: bodies differ" >&2
wrk -t1 -c"$conn" -d"${warm}s" -s "$work/get.lua" "http://127.0.0.1:$porta$path" >/dev/null &
w=$!
wrk -t1 -c"$conn" -d"${warm}s" -s "$work/get.lua" "http://127.0.0.1:$portb$path" >/dev/null
wait $w
ca0=$(cpu "$pa"); cb0=$(cpu "$pb")
wrk -t1 -c"$conn" -d"${dur}s" --latency -s "$work/get.lua" "http://127.0.0.1:$porta$path" > "$work/wa" &
w=$!
wrk -t1 -c"$conn" -d"${dur}s" --latency -s "$work/get.lua" "http://127.0.0.1:$portb$path" > "$work/wb"
wait $w
ca1=$(cpu "$pa"); cb1=$(cpu "$pb")
tck=$(getconf CLK_TCK)
for x in a b; do
  f=$work/w$x; n=$(awk '/requests in/ {print $1}' "$f"); rps=$(awk '/Requests\/sec/ {print $2}' "$f")
  p99=$(awk '$1=="99%" {print $2}' "$f"); non2=$(awk '/Non-2xx/ {print $NF}' "$f")
  if [ $x = a ]; then c=$((ca1-ca0)); else c=$((cb1-cb0)); fi
  us=$(python3 -c "print(round($c/$tck*1e6/max($n,1)))")
  echo "$x $dialect req/s=$rps cpu_us_per_req=$us p99=$p99 requests=$n non2xx=${non2:-0} load=$(cut -d' ' -f1 /proc/loadavg)"
done
