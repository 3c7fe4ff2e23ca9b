#!/usr/bin/env bash
# The compatibility suite: the vendors' own SDKs and Schemathesis against the gateway (see README, Compatibility).
#
# Two virtual environments, each built from a fully pinned requirements file and reused while that file (and the
# Python version) is unchanged, so a warm run does not reach PyPI:
#   current: truefoundry-gateway-sdk, the newest everruns-sdk, Schemathesis: every SDK suite, the cross-dialect
#            reads and Schemathesis on every document in specs/
#   seed:    everruns-sdk 0.1.2, the newest release whose Session matches the seed: the Everruns suite and the
#            cross-dialect reads
# The two runs go in parallel; each starts its own gateways with ./gateway serve. Arguments are passed to both
# pytest runs.
#
# Environment: COMPAT_VENV_DIR (default compat/.venv), COMPAT_PYTHON (default python3), COMPAT_ST_MAX_EXAMPLES,
# COMPAT_ST_PARALLEL, COMPAT_KEEP_DATA=1 (keep each gateway's data and log under compat/target).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
python="${COMPAT_PYTHON:-python3}"
venvs="${COMPAT_VENV_DIR:-$here/.venv}"
work="$here/target"
mkdir -p "$work"

log() { printf '[compat] %s\n' "$*" >&2; }

if ! "$python" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  log "needs Python 3.10+ with venv and ensurepip (Debian: apt-get install python3-venv)"
  exit 1
fi
# The launcher builds the jar when it is missing or older than the sources: once here, not in each of the
# parallel runs below (two concurrent builds of one tree would corrupt it). Under `mvn -B verify` it is fresh.
"$root/gateway" --help >/dev/null

# venv NAME: the environment for requirements/NAME.txt, rebuilt only when the file or the Python version changes.
venv() {
  local name="$1" req="$here/requirements/$1.txt" dir="$venvs-$1" key
  key="$( { "$python" -c 'import sys; print(sys.version)'; cat "$req"; } | sha256sum | cut -d' ' -f1)"
  if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/.requirements.sha256" 2>/dev/null)" = "$key" ]; then
    return
  fi
  log "building $dir from requirements/$name.txt"
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r "$req"
  echo "$key" > "$dir/.requirements.sha256"
}
venv current
venv seed

# run NAME FILES...: pytest in that environment, its output in target/NAME.log
run() {
  local name="$1"; shift
  (cd "$here" && COMPAT_WORK="$work" "$venvs-$name/bin/python" -m pytest "$@" "${args[@]}") \
    > "$work/$name.log" 2>&1
}
args=("$@")
start=$(date +%s)
run current test_truefoundry_sdk.py test_truefoundry_turns.py test_everruns_sdk.py test_everruns_conversation.py \
  test_cross_dialect.py test_schemathesis.py &
current=$!
run seed test_everruns_sdk.py test_everruns_conversation.py test_cross_dialect.py &
seed=$!
status=0
failed=()
wait $current || failed+=(current)
wait $seed || failed+=(seed)
for name in "${failed[@]}"; do
  cat "$work/$name.log"
  status=1
done
for name in current seed; do
  printf '[compat] %-8s %s\n' "$name:" \
    "$(grep -E '(passed|failed|error|skipped|xfailed).* in [0-9.]+s' "$work/$name.log" | tail -1 | tr -d '=' | sed 's/^ *//')"
done
log "$(( $(date +%s) - start ))s; logs in $work/{current,seed}.log"
exit $status
