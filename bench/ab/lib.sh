# Sourced by the A/B harnesses (bench/ab/*.sh): one gateway started and stopped the same way in each.
#
# ab_serve JAR [NAME=VALUE ...]: starts the gateway with those variables in its environment (the JVM: $JAVA or java,
# $JAVA_OPTS, then $EXTRA_OPTS; no class-data-sharing archive), logging to $work/gateway.log, and waits until the
# admin API answers on $port for the token $admin and the tenant $tenant; sets pid. A gateway that exits before
# answering: its log, and the harness exits 1.
ab_serve() {
  local jar=$1
  shift
  # shellcheck disable=SC2086
  env "$@" MALLOC_ARENA_MAX=2 "${JAVA:-java}" -Xlog:disable $JAVA_OPTS ${EXTRA_OPTS:-} -jar "$jar" serve \
    >"$work/gateway.log" 2>&1 &
  pid=$!
  until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/admin/v1/tenants/$tenant/agents" \
      -H "Authorization: Bearer $admin" | grep -q 200; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/gateway.log" >&2; exit 1; }
    sleep 0.1
  done
}

# ab_stop: stops the gateway ab_serve started, if any (its exit status is not the harness's).
ab_stop() {
  if [ -n "${pid:-}" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
  return 0
}

# ab_h2_url DIR EXTRA: the gateway's H2 URL for the store in DIR as DatabaseConfig.h2FileUrl spells it, with the H2
# settings EXTRA (e.g. PAGE_SIZE=4096) added.
ab_h2_url() {
  echo "jdbc:h2:file:$1/gateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;CACHE_SIZE=4096;QUERY_CACHE_SIZE=64;$2"
}
