-- The admin API's list of a tenant's sessions by status (GET /admin/v1/tenants/{tenant}/sessions?status=…) reads
-- this index in its keyset order: without it PostgreSQL read every session of the status that the keyset passed
-- and sorted them (PostgresListPlanTest), a sort that grows with the tenant.
CREATE INDEX ix_session_tenant_status_keyset ON session (tenant_id, status, created_at, id);
