# Sourced by bench/run.sh and bench/ab/create.sh: the SQL that bulk-loads sessions for the benchmarks.
# Needs DEL_POOL (sessions per DELETE dialect loaded after the N; 0 for none) and a session 'bench-seed' whose
# tenant, team, agent, owner and account every loaded session copies.
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
DELETE FROM event WHERE session_id IN (SELECT id FROM session WHERE public_id LIKE 'session_00000000000070008000%');
DELETE FROM message WHERE session_id IN (SELECT id FROM session WHERE public_id LIKE 'session_00000000000070008000%');
DELETE FROM turn WHERE session_id IN (SELECT id FROM session WHERE public_id LIKE 'session_00000000000070008000%');
DELETE FROM chat WHERE session_id IN (SELECT id FROM session WHERE public_id LIKE 'session_00000000000070008000%');
DELETE FROM session_pin WHERE session_id IN (SELECT id FROM session WHERE public_id LIKE 'session_00000000000070008000%');
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
