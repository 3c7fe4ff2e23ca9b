#!/usr/bin/env bash
# Builds the gateway image and runs it, with podman instead of a Docker engine and without an image registry:
#   1. a base image made here: debootstrap a minimal Debian bookworm, import it (reused when it exists);
#   2. the gateway image from docker/Dockerfile on that base (JDK, Maven and the JRE from Debian's packages);
#   3. one container (H2 in its /data volume): ready, health check, non-root, heap from the memory limit, an agent
#      created with the CLI inside the container, a session created and read over HTTP, SIGTERM -> exit 143 and the
#      graceful-stop log line;
#   4. docker/compose.yaml with podman-compose and PostgreSQL (a stand-in image built from Debian's postgresql-15,
#      docker/ci/postgres.Dockerfile): a session created through the gateway container is read back after the
#      gateway restarts and after both containers are recreated (the data lives on PostgreSQL's named volume).
# .ci/run calls it after the test command. Needs root (rootful podman); installs what is missing from Debian.
# Containers, volumes and networks it makes are removed on exit; the three images are kept as a cache.
# GATEWAY_CI_BASE_IMAGE names another base image (e.g. debian:bookworm-slim where a registry is reachable);
# GATEWAY_CI_M2=off builds without the host's ~/.m2 (the build then downloads its dependencies itself).
set -euo pipefail
cd "$(dirname "$0")/.."

t0=$SECONDS
log() { printf '[image %4ds] %s\n' "$((SECONDS - t0))" "$*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (rootful podman)"

base_image=${GATEWAY_CI_BASE_IMAGE:-localhost/debian:bookworm-min}
gateway_image=localhost/session-gateway:ci
postgres_image=localhost/postgres-ci:15
debian_mirror=${GATEWAY_CI_DEBIAN_MIRROR:-http://deb.debian.org/debian}

missing=()
for tool in podman:podman runc:runc debootstrap:debootstrap podman-compose:podman-compose curl:curl python3:python3; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The flags that work on these machines (crun refuses the hybrid cgroup layout; the runtime's setrlimit is refused
# unless the limits are given, and they must not exceed this shell's hard limits).
podman=(podman --runtime runc --cgroup-manager=cgroupfs)
limit() { local h; h=$(ulimit -H "$1"); if [ "$h" = unlimited ] || [ "$h" -gt "$2" ]; then h=$2; fi; echo "$h"; }
nofile=$(limit -n 65536)
nproc=$(limit -u 4096)
ulimits=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
# podman with a bound on its run time (the waits below have their own).
pod() { timeout --kill-after=10 120 "${podman[@]}" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

work=$(mktemp -d /tmp/gateway-ci-image.XXXXXX)
run_id="gateway-ci-$$"
single="$run_id-single"
project="$run_id"
compose_started=""

cleanup() {
  local rc=$?
  trap - EXIT
  if [ "$rc" != 0 ]; then
    for c in "$single" "${project}_gateway_1" "${project}_postgres_1"; do
      if "${podman[@]}" container exists "$c" 2>/dev/null; then
        log "last log lines of $c:"
        "${podman[@]}" logs --tail 30 "$c" >&2 2>&1 || true
      fi
    done
  fi
  log "cleaning up (containers, volumes, network; images kept)"
  timeout 60 "${podman[@]}" rm -f -v -t 5 "$single" >/dev/null 2>&1 || true
  if [ -n "$compose_started" ]; then
    local ids
    ids=$("${podman[@]}" ps -a -q --filter "label=io.podman.compose.project=$project" 2>/dev/null || true)
    [ -n "$ids" ] && timeout 60 "${podman[@]}" rm -f -v -t 5 $ids >/dev/null 2>&1
    ids=$("${podman[@]}" volume ls -q --filter "label=io.podman.compose.project=$project" 2>/dev/null || true)
    [ -n "$ids" ] && timeout 60 "${podman[@]}" volume rm -f $ids >/dev/null 2>&1
    timeout 60 "${podman[@]}" network rm -f "${project}_default" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  if [ "$rc" = 0 ]; then log "passed in $((SECONDS - t0)) s"; else log "failed (exit $rc) after $((SECONDS - t0)) s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a long step with its output in a file; shows the end of it when the step fails.
quiet() {
  local name=$1 limit=$2; shift 2
  if ! timeout --kill-after=10 "$limit" "$@" >"$work/$name.log" 2>&1; then
    tail -n 40 "$work/$name.log" >&2
    fail "$name (output above; limit ${limit}s)"
  fi
}

# Waits (bounded) for GET $1/health/ready to answer 200 while container $2 runs.
wait_ready() {
  local url=$1 container=$2 limit=$3 deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null --max-time 3 "$url/health/ready" 2>/dev/null; do
    [ "$("${podman[@]}" inspect -f '{{.State.Running}}' "$container" 2>/dev/null)" = true ] \
      || fail "$container is not running"
    [ "$SECONDS" -lt "$deadline" ] || fail "$url/health/ready not 200 within ${limit}s"
    sleep 1
  done
}

# HTTP call: method, url, token, expected status, [body]. Prints the response body; fails on another status.
call() {
  local method=$1 url=$2 token=$3 expected=$4 body=${5:-} status
  local args=(-sS --max-time 10 -o "$work/body" -w '%{http_code}' -X "$method" -H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' -d "$body")
  status=$(curl "${args[@]}" "$url") || fail "$method $url: no answer"
  [ "$status" = "$expected" ] || fail "$method $url answered $status, expected $expected: $(cat "$work/body")"
  cat "$work/body"
}
# Removes the image a rebuild replaced (left untagged), so that repeated runs on one machine do not pile them up.
drop_replaced() {
  local now
  now=$("${podman[@]}" image inspect -f '{{.Id}}' "$1")
  if [ -n "$2" ] && [ "$2" != "$now" ]; then "${podman[@]}" rmi "$2" >/dev/null 2>&1 || true; fi
}
json() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[k]
print(v)' "$1"; }

# --- 1. base image ----------------------------------------------------------------------------------------------
if "${podman[@]}" image exists "$base_image"; then
  log "base image $base_image exists: reused"
elif [ "$base_image" != localhost/debian:bookworm-min ]; then
  log "pulling $base_image"
  quiet pull 600 "${podman[@]}" pull "$base_image"
else
  log "making $base_image: debootstrap --variant=minbase bookworm from $debian_mirror"
  rootfs="$work/rootfs"
  quiet debootstrap 900 debootstrap --variant=minbase bookworm "$rootfs" "$debian_mirror"
  # What the official debian image has and debootstrap does not: updates and security sources, no package cache
  # left in layers, no documentation installed.
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
    "$debian_mirror" "$debian_mirror" "$debian_mirror" > "$rootfs/etc/apt/sources.list"
  cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
EOF
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
    > "$rootfs/etc/dpkg/dpkg.cfg.d/excludes"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | timeout 300 "${podman[@]}" import - "$base_image" >"$work/import.log" 2>&1 \
    || { cat "$work/import.log" >&2; fail "podman import"; }
  rm -rf "$rootfs"
  log "base image $base_image: $(( $("${podman[@]}" image inspect -f '{{.Size}}' "$base_image") / 1000000 )) MB"
fi

# --- 2. gateway image -------------------------------------------------------------------------------------------
build=("${podman[@]}" build --format docker --network=host "${ulimits[@]}" \
  --build-arg "BUILD_IMAGE=$base_image" --build-arg "RUNTIME_IMAGE=$base_image")
m2=()
if [ "${GATEWAY_CI_M2:-on}" != off ] && [ -d "$HOME/.m2/repository" ]; then
  m2=(-v "$HOME/.m2:/root/.m2")   # the build's Maven resolves from (and adds to) the host's local repository
fi
log "building $gateway_image from docker/Dockerfile (base $base_image${m2:+, host ~/.m2})"
t=$SECONDS
previous=$("${podman[@]}" image inspect -f '{{.Id}}' "$gateway_image" 2>/dev/null || true)
quiet build-gateway 1800 "${build[@]}" "${m2[@]}" -f docker/Dockerfile -t "$gateway_image" .
drop_replaced "$gateway_image" "$previous"
size=$("${podman[@]}" image inspect -f '{{.Size}}' "$gateway_image")
log "built $gateway_image in $((SECONDS - t)) s: $((size / 1000000)) MB"

# --- 3. one container, H2 in /data --------------------------------------------------------------------------------
port=$(free_port)
log "running $single on 127.0.0.1:$port (--network=host, --memory 512m, nofile $nofile, nproc $nproc)"
t=$SECONDS
# podman starts health checks from systemd timers; systemd does not run here, so it logs an error for each (kept
# out of this log) and `podman healthcheck run` below runs the image's check on demand.
pod run -d --name "$single" --network=host "${ulimits[@]}" --memory 512m \
  -e GATEWAY_BIND=127.0.0.1 -e GATEWAY_PORT="$port" -e GATEWAY_JWT_SECRET="$(secret)" \
  "$gateway_image" >/dev/null 2>"$work/run.err" || { cat "$work/run.err" >&2; fail "podman run"; }
wait_ready "http://127.0.0.1:$port" "$single" 120
log "ready in $((SECONDS - t)) s"

pod healthcheck run "$single" >/dev/null || fail "the image's HEALTHCHECK failed"
uid=$(pod exec "$single" id -u)
[ "$uid" = 10001 ] || fail "runs as uid $uid, expected 10001"
heap=$(pod exec "$single" java -XX:MaxRAMPercentage=75 -XshowSettings:vm -version 2>&1 \
  | sed -n 's/.*Max. Heap Size (Estimated): //p')
case "$heap" in
  3[0-9][0-9]*M) ;;
  *) fail "max heap '$heap' is not 75% of the 512m limit" ;;
esac
log "HEALTHCHECK passes, uid 10001, max heap $heap of the 512m memory limit"

cli=(java -jar /app/session-gateway.jar)
pod exec "$single" "${cli[@]}" agent create --tenant acme --name helper --manager bob >"$work/agent.json" \
  2>"$work/agent.err" || { cat "$work/agent.err" >&2; fail "agent create in the container"; }
[ "$(json name < "$work/agent.json")" = helper ] || fail "agent create printed $(cat "$work/agent.json")"
token=$(pod exec "$single" "${cli[@]}" token --tenant acme --subject alice)
log "agent acme/helper created with the CLI inside the container"

base="http://127.0.0.1:$port"
created=$(call POST "$base/acme/v1/agents/sessions" "$token" 201 '{"agent_name":"helper"}')
id=$(json data.id <<<"$created")
read_back=$(call GET "$base/acme/v1/agents/sessions/$id" "$token" 200)
[ "$read_back" = "$created" ] || fail "TrueFoundry get answered $read_back, created $created"
[ "$(call GET "$base/v1/sessions/$id" "$token" 200 | json id)" = "$id" ] || fail "Everruns get: another session"
log "session $id created (TrueFoundry, 201) and read back (TrueFoundry and Everruns, 200)"

t=$SECONDS
pod stop -t 30 "$single" >/dev/null 2>"$work/stop.err" || { cat "$work/stop.err" >&2; fail "podman stop"; }
status=$("${podman[@]}" inspect -f '{{.State.ExitCode}}' "$single")
[ "$status" = 143 ] || fail "exit status $status after SIGTERM, expected 143"
"${podman[@]}" logs "$single" 2>&1 | grep -q '"message":"stopped in [0-9]* ms"' \
  || fail "no graceful-stop log line ('stopped in N ms')"
log "SIGTERM: stopped in $((SECONDS - t)) s, exit status 143, log line '$("${podman[@]}" logs "$single" 2>&1 \
  | sed -n 's/.*"message":"\(stopped in [0-9]* ms\)".*/\1/p')'"
pod rm -v "$single" >/dev/null 2>&1

# --- 4. compose with PostgreSQL ---------------------------------------------------------------------------------
log "building $postgres_image from docker/ci/postgres.Dockerfile (Debian's postgresql-15)"
t=$SECONDS
previous=$("${podman[@]}" image inspect -f '{{.Id}}' "$postgres_image" 2>/dev/null || true)
quiet build-postgres 900 "${podman[@]}" build --format docker --network=host "${ulimits[@]}" \
  --build-arg "BASE_IMAGE=$base_image" -f docker/ci/postgres.Dockerfile -t "$postgres_image" docker/ci
drop_replaced "$postgres_image" "$previous"
log "built $postgres_image in $((SECONDS - t)) s"

host_port=$(free_port)
export POSTGRES_IMAGE="$postgres_image" SESSION_GATEWAY_IMAGE="$gateway_image" GATEWAY_HOST_PORT="$host_port" \
  GATEWAY_JWT_SECRET="$(secret)" POSTGRES_PASSWORD="ci-$(secret)"
# The compose file as users run it (bridge network, service names, the port published on 127.0.0.1); only the
# runtime flags and limits are added.
compose=(podman-compose -p "$project" -f docker/compose.yaml --podman-args="--runtime runc --cgroup-manager=cgroupfs"
  --podman-run-args="${ulimits[*]}" --podman-rm-args=-v)
gw="${project}_gateway_1"
pg="${project}_postgres_1"
base="http://127.0.0.1:$host_port"

log "podman-compose up: $pg and $gw, gateway on 127.0.0.1:$host_port"
t=$SECONDS
compose_started=1
quiet compose-up 300 "${compose[@]}" up -d
wait_ready "$base" "$gw" 180
log "ready in $((SECONDS - t)) s ($(curl -fsS "$base/health/ready" | json checks.migrations.detail) on PostgreSQL)"
pod healthcheck run "$pg" >/dev/null || fail "the postgres service's health check failed"

pod exec "$gw" "${cli[@]}" agent create --tenant acme --name helper >/dev/null 2>"$work/agent.err" \
  || { cat "$work/agent.err" >&2; fail "agent create in $gw"; }
token=$(pod exec "$gw" "${cli[@]}" token --tenant acme --subject alice)
created=$(call POST "$base/acme/v1/agents/sessions" "$token" 201 '{"agent_name":"helper"}')
id=$(json data.id <<<"$created")
rows=$(pod exec "$pg" psql -U gateway -d gateway -tAc 'SELECT count(*) FROM session')
[ "$rows" = 1 ] || fail "PostgreSQL holds $rows sessions, expected 1"
log "session $id created through $gw; PostgreSQL holds it"

t=$SECONDS
quiet compose-restart 120 "${compose[@]}" restart -t 30 gateway
wait_ready "$base" "$gw" 120
[ "$(call GET "$base/acme/v1/agents/sessions/$id" "$token" 200)" = "$created" ] || fail "session changed after restart"
log "gateway restarted (ready in $((SECONDS - t)) s): session read back unchanged"

t=$SECONDS
quiet compose-down 120 "${compose[@]}" down -t 30
quiet compose-up-again 300 "${compose[@]}" up -d
wait_ready "$base" "$gw" 180
[ "$(call GET "$base/acme/v1/agents/sessions/$id" "$token" 200)" = "$created" ] || fail "session lost with the containers"
log "both containers recreated (ready in $((SECONDS - t)) s): session read back from the pgdata volume"
