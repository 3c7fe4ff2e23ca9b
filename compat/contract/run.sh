#!/usr/bin/env bash
# The contract-testing recipe of docs/contract-testing.md, as CI runs it: a gateway started with
# `./gateway serve --fixtures fixtures.yaml` on a free port, then for each vendor dialect its served document
# (GET /openapi/<dialect>.yaml: specs/<dialect>/ merged), Portman (contract tests from the document, with the
# configuration in portman/<dialect>.json) and Newman (runs them). Any failed assertion fails the script.
#
# Tools come from package-lock.json (`npm ci`, pinned); node_modules is reused while the lock file is unchanged.
# Environment: CONTRACT_DIALECTS (default "everruns truefoundry recoup agentcloud"; the order matters: every
# dialect's delete removes its own fixture session, and a session is one in every dialect).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/target"
dialects=(${CONTRACT_DIALECTS:-everruns truefoundry recoup agentcloud})
log() { printf '[contract] %s\n' "$*" >&2; }

if ! command -v npm >/dev/null; then
  log "needs Node.js and npm (Debian: apt-get install nodejs npm)"
  exit 1
fi
cd "$here"
key="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.package-lock.sha256 2>/dev/null)" != "$key" ]; then
  log "npm ci (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$key" > node_modules/.package-lock.sha256
fi

rm -rf "$work" && mkdir -p "$work/data"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export GATEWAY_JWT_SECRET="contract-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export GATEWAY_DATA_DIR="$work/data" GATEWAY_PORT="$port" GATEWAY_BIND=127.0.0.1
"$root/gateway" serve --fixtures "$here/fixtures.yaml" > "$work/gateway.log" 2>&1 &
gateway=$!
trap 'kill "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fs -o /dev/null "$base/health/ready" && break
  kill -0 "$gateway" 2>/dev/null || { cat "$work/gateway.log"; exit 1; }
  sleep 1
done
curl -fs -o /dev/null "$base/health/ready" || { log "the gateway did not get ready"; cat "$work/gateway.log"; exit 1; }

token() { "$root/gateway" token --tenant acme --subject alice "$@"; }
status=0
for d in "${dialects[@]}"; do
  curl -fsS "$base/openapi/$d.yaml" -o "$work/$d.yaml"
  vars=()
  url="$base"
  case "$d" in
    truefoundry) url="$base/acme"; vars=(--env-var "bearerToken=$(token)") ;;
    everruns) vars=(--env-var "bearerToken=$(token)") ;;
    recoup) vars=(--env-var "apiKey=rcp_contract_acme_alice_000000000000000000001") ;;
    agentcloud)
      vars=(--env-var "bearerToken=$(token --team 66a0000000000000000000d1)"
        --env-var "sessionId=66a0000000000000000000c1") ;;
  esac
  # portman/<dialect>.filter.json leaves the conversation operations out (docs/contract-testing.md: their ids,
  # bodies and streams need fixtures of their own; the conformance suite and the SDK suites cover them)
  npx portman -l "$work/$d.yaml" -c "portman/$d.json" --filterFile "portman/$d.filter.json" \
    -o "$work/$d.postman.json" -b "$url" \
    > "$work/$d.portman.log" 2>&1 || { cat "$work/$d.portman.log"; status=1; continue; }
  if npx newman run "$work/$d.postman.json" "${vars[@]}" --color off \
      --reporters cli,junit --reporter-junit-export "$work/$d.junit.xml" > "$work/$d.newman.log" 2>&1; then
    log "$d: $(grep -E 'assertions' "$work/$d.newman.log" | tr -s ' │' ' ' | sed 's/^ //')(executed, failed)"
  else
    cat "$work/$d.newman.log"
    log "$d: FAILED"
    status=1
  fi
done
exit $status
