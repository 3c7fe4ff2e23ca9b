#!/usr/bin/env bash
# One operation on one fresh gateway, measured in successive windows: how its cost moves while the JIT compiles and
# the H2 store grows. Per window: req/s, the gateway's CPU per request (utime + stime over the window / requests),
# bytes it wrote per request (/proc/PID/io wchar: on H2 the chunk each commit writes), the store's size, RSS.
#
#   bench/ab/windows.sh JAR SEED create|get|patch [NAME=VALUE ...]   (the pairs go to the gateway's environment)
#
# SEED: an H2 store of bulk-loaded sessions as bench/ab/create.sh builds it (SEED=DIR SEED_N=N bench/ab/create.sh
# JAR h2 truefoundry), copied for the run. Environment: WINDOWS (default 8), WINDOW (seconds, default 10), DIALECT
# (default truefoundry; patch: everruns), N (sessions in the seed, for get and patch; default 1000000), H2_EXTRA
# (settings added to the H2 URL, e.g. PAGE_SIZE=4096), JAVA, JAVA_OPTS (default: the launcher's), EXTRA_OPTS (added),
# JFR_AFTER=K (a flight recording, profile settings, of the two windows after window K: $work/../windows.jfr, see
# JFR_OUT), NMT=FILE (with EXTRA_OPTS=-XX:NativeMemoryTracking=summary: the JVM's native memory summary at the end).
set -euo pipefail
jar=$1 seed=$2 op=$3; shift 3
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/ab/lib.sh
. "$here/bench/ab/lib.sh"
[ -f "$seed/data/gateway.mv.db" ] || { echo "no H2 store in $seed/data (build one with bench/ab/create.sh, SEED=...)" >&2; exit 2; }
JAVA_OPTS=${JAVA_OPTS:-$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' "$here/gateway")}
WINDOWS=${WINDOWS:-8} WINDOW=${WINDOW:-10} N=${N:-1000000}
secret="bench-secret-0123456789abcdef0123456789" tenant=bench account=6f1c1f50-4b1e-4c43-9a4e-2f8f5a0e3c11
work=$(mktemp -d)
cp -r "$seed/data" "$work/data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cli() { GATEWAY_JWT_SECRET="$secret" java -jar "$jar" "$@"; }
admin=$(cli token --tenant "$tenant" --subject bench-admin --admin --ttl 1d)
env=(GATEWAY_PORT="$port" GATEWAY_BIND=127.0.0.1 GATEWAY_DATA_DIR="$work/data" GATEWAY_JWT_SECRET="$secret"
  GATEWAY_LOG_LEVEL=WARN)
if [ -n "${H2_EXTRA:-}" ]; then
  env+=(GATEWAY_DB_URL="$(ab_h2_url "$work/data" "$H2_EXTRA")")
fi
trap 'ab_stop; rm -rf "$work"' EXIT
ab_serve "$jar" "${env[@]}" "$@"
team=$(sed -n 's/.*"team" : "\([0-9a-f]\{24\}\)".*/\1/p' "$seed/agent.json")
tok=$(cli token --tenant "$tenant" --subject bench-user --team "$team" --account "$account" --ttl 1d)
url="http://127.0.0.1:$port"
case $op in
  create) script=(-s "$here/bench/lua/create.lua" "$url" -- "${DIALECT:-truefoundry}" "$tok" "$tenant" bench-agent) ;;
  get) script=(-s "$here/bench/lua/get.lua" "$url" -- "${DIALECT:-truefoundry}" "$N" "$tok" "$tenant") ;;
  patch) script=(-s "$here/bench/lua/write.lua" "$url" -- "${DIALECT:-everruns}" patch "$N" "$tok" "$tenant") ;;
  *) echo "operation: create, get or patch" >&2; exit 2 ;;
esac
hz=$(getconf CLK_TCK)
jfr_out=${JFR_OUT:-$(dirname "$work")/windows.jfr}
for w in $(seq 1 "$WINDOWS"); do
  t0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); c0=$(awk '/^wchar/ {print $2}' "/proc/$pid/io")
  out=$(wrk -t2 -c32 -d"${WINDOW}s" "${script[@]}")
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); c1=$(awk '/^wchar/ {print $2}' "/proc/$pid/io")
  req=$(awk '/requests in/ {print $1}' <<<"$out")
  printf 'window %d: %s req/s, %d us CPU/request, %d KB written/request, store %s MB, RSS %s MB\n' "$w" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" $(( (t1 - t0) * 1000000 / hz / req )) \
    $(( (c1 - c0) / req / 1024 )) "$(du -sm "$work/data" | cut -f1)" "$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")"
  if [ -n "${JFR_AFTER:-}" ]; then
    [ "$w" = "$JFR_AFTER" ] && jcmd $pid JFR.start name=w settings=profile filename="$jfr_out" >/dev/null
    [ "$w" = "$((JFR_AFTER + 2))" ] && jcmd $pid JFR.dump name=w filename="$jfr_out" >/dev/null && echo "recording: $jfr_out"
  fi
done
if [ -n "${NMT:-}" ]; then jcmd $pid VM.native_memory summary >"$NMT" 2>&1; fi
grep -E "VmHWM|RssAnon|RssFile" "/proc/$pid/status" | tr -s ' \t' ' ' | paste -sd ';'
