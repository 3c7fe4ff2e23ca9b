-- The session lifecycle (issue #12, docs/lifecycle.md). Runs unchanged on H2 2.x (MODE=PostgreSQL) and PostgreSQL.

-- A deleted session is a tombstone (deleted_at set) until purged: every read filters deleted_at IS NULL.
ALTER TABLE session ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE session ADD COLUMN locale VARCHAR(35);           -- BCP 47 (Everruns)
ALTER TABLE session ADD COLUMN variables JSONB;              -- free-form variables (Agentcloud edit)
ALTER TABLE session ADD COLUMN forked_from_id UUID;          -- the parent of a fork; no FK, so a purge can drop a parent

-- Pins are per subject (Everruns is_pinned).
CREATE TABLE session_pin (
    session_id  UUID                     NOT NULL,
    subject_id  UUID                     NOT NULL,
    pinned_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_session_pin PRIMARY KEY (session_id, subject_id),
    CONSTRAINT fk_session_pin_session FOREIGN KEY (session_id) REFERENCES session (id),
    CONSTRAINT fk_session_pin_subject FOREIGN KEY (subject_id) REFERENCES subject (id)
);
CREATE INDEX ix_session_pin_subject ON session_pin (subject_id);

-- Live sessions per status of a scope (scope_id: the tenant itself, an agent, or an owning account within the
-- tenant), kept in the same transaction as every create, delete and status change. A few slots per key spread the
-- row locks of concurrent writers; a count is the sum of the slots (a slot may go negative, the sum never does).
CREATE TABLE session_count (
    tenant_id   UUID        NOT NULL,
    scope_id    UUID        NOT NULL,
    status      VARCHAR(32) NOT NULL,
    slot        SMALLINT    NOT NULL,
    n           BIGINT      DEFAULT 0 NOT NULL,
    CONSTRAINT pk_session_count PRIMARY KEY (tenant_id, scope_id, status, slot)
);

INSERT INTO session_count (tenant_id, scope_id, status, slot, n)
    SELECT tenant_id, tenant_id, status, 0, COUNT(*) FROM session GROUP BY tenant_id, status;
INSERT INTO session_count (tenant_id, scope_id, status, slot, n)
    SELECT tenant_id, agent_id, status, 0, COUNT(*) FROM session GROUP BY tenant_id, agent_id, status;
INSERT INTO session_count (tenant_id, scope_id, status, slot, n)
    SELECT tenant_id, account_id, status, 0, COUNT(*) FROM session WHERE account_id IS NOT NULL
    GROUP BY tenant_id, account_id, status;

-- One index per list, each ending in the list's keyset (docs/lifecycle.md section 5). Full indexes on both
-- databases: H2 has no partial indexes, so tombstones stay in them until purged and each scan steps over its own.
CREATE INDEX ix_session_tenant_keyset ON session (tenant_id, created_at, id);      -- Everruns, search, admin
CREATE INDEX ix_session_agent_keyset ON session (agent_id, created_at, id);        -- list by agent (managers)
CREATE INDEX ix_session_owner_keyset ON session (owner_id, created_at, id);        -- owned sessions
CREATE INDEX ix_session_owner_agent_keyset ON session (owner_id, agent_id, created_at, id); -- list by agent (others)
CREATE INDEX ix_session_account_keyset ON session (account_id, created_at, id);    -- Recoup
CREATE INDEX ix_session_team_object ON session (team_id, object_id);               -- Agentcloud, by ObjectId
-- The keyset indexes above start with the columns of these, which they replace.
DROP INDEX ix_session_tenant_created;
-- H2 ties an index to the foreign key it was created for: the key is dropped and added back so that it uses the
-- new index (PostgreSQL checks the key against the table once, in this migration).
ALTER TABLE session DROP CONSTRAINT fk_session_agent;
ALTER TABLE session DROP CONSTRAINT fk_session_owner;
DROP INDEX ix_session_agent;
DROP INDEX ix_session_owner;
ALTER TABLE session ADD CONSTRAINT fk_session_agent FOREIGN KEY (agent_id) REFERENCES agent (id);
ALTER TABLE session ADD CONSTRAINT fk_session_owner FOREIGN KEY (owner_id) REFERENCES subject (id);
DROP INDEX ix_session_account;
