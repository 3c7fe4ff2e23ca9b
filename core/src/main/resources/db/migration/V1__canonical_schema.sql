-- Canonical session store. Runs unchanged on H2 2.x (MODE=PostgreSQL) and PostgreSQL 15+.
-- Portable types only: UUID, JSONB, TIMESTAMP WITH TIME ZONE; DEFAULT before constraints.

-- A tenant is TrueFoundry's tenant, Everruns' organisation and Agentcloud's org.
CREATE TABLE tenant (
    id          UUID                     NOT NULL,
    name        VARCHAR(64)              NOT NULL,
    object_id   CHAR(24)                 NOT NULL, -- Agentcloud orgId
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_tenant PRIMARY KEY (id),
    CONSTRAINT uq_tenant_name UNIQUE (name),
    CONSTRAINT uq_tenant_object_id UNIQUE (object_id)
);

-- Agentcloud reads sessions under a team (its resourceSlug); every tenant has a default team.
CREATE TABLE team (
    id          UUID                     NOT NULL,
    tenant_id   UUID                     NOT NULL,
    object_id   CHAR(24)                 NOT NULL, -- Agentcloud teamId / resourceSlug
    name        VARCHAR(255)             NOT NULL,
    is_default  BOOLEAN                  DEFAULT FALSE NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_team PRIMARY KEY (id),
    CONSTRAINT fk_team_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT uq_team_object_id UNIQUE (object_id),
    CONSTRAINT uq_team_tenant_name UNIQUE (tenant_id, name)
);

-- A caller as identified by its token: (type, id) within a tenant, with an optional slug.
CREATE TABLE subject (
    id            UUID                     NOT NULL,
    tenant_id     UUID                     NOT NULL,
    subject_type  VARCHAR(64)              NOT NULL,
    subject_id    VARCHAR(255)             NOT NULL,
    subject_slug  VARCHAR(255),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_subject PRIMARY KEY (id),
    CONSTRAINT fk_subject_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT uq_subject_identity UNIQUE (tenant_id, subject_type, subject_id)
);

-- TrueFoundry names agents; Everruns shows agent_<hex of id>; Agentcloud calls them apps (object_id).
CREATE TABLE agent (
    id          UUID                     NOT NULL,
    tenant_id   UUID                     NOT NULL,
    team_id     UUID                     NOT NULL,
    name        VARCHAR(255)             NOT NULL,
    object_id   CHAR(24)                 NOT NULL, -- Agentcloud appId
    managers    JSONB                    NOT NULL, -- array of subject ids
    restricted  BOOLEAN                  DEFAULT FALSE NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_agent PRIMARY KEY (id),
    CONSTRAINT fk_agent_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT fk_agent_team FOREIGN KEY (team_id) REFERENCES team (id),
    CONSTRAINT uq_agent_tenant_name UNIQUE (tenant_id, name),
    CONSTRAINT uq_agent_object_id UNIQUE (object_id)
);

-- One row per session, the union of what the four dialects show.
CREATE TABLE session (
    id                     UUID                     NOT NULL, -- UUIDv7; Everruns shows session_<hex>
    public_id              VARCHAR(64)              NOT NULL, -- TrueFoundry and Recoup id; session_<hex> unless chosen by the client
    object_id              CHAR(24)                 NOT NULL, -- Agentcloud _id
    tenant_id              UUID                     NOT NULL,
    team_id                UUID                     NOT NULL,
    agent_id               UUID                     NOT NULL,
    owner_id               UUID                     NOT NULL, -- subject.id of the creator
    account_id             UUID,                              -- Recoup owning account (userId)
    artist_id              UUID,                              -- Recoup artistId
    model_id               UUID,                              -- Everruns model_<hex>
    title                  VARCHAR(1024),
    status                 VARCHAR(32)              NOT NULL, -- canonical state, see SessionStatus
    warning                BOOLEAN                  DEFAULT FALSE NOT NULL,
    lifecycle_state        VARCHAR(32),
    lifecycle_version      BIGINT                   DEFAULT 0 NOT NULL,
    lifecycle_run_id       VARCHAR(255),
    lifecycle_error        VARCHAR(4096),
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at             TIMESTAMP WITH TIME ZONE,
    finished_at            TIMESTAMP WITH TIME ZONE,
    last_activity_at       TIMESTAMP WITH TIME ZONE,
    preview                VARCHAR(4096),
    output_preview         VARCHAR(4096),
    input_tokens           BIGINT,                            -- NULL on all four: no usage recorded yet
    output_tokens          BIGINT,
    cache_read_tokens      BIGINT,
    cache_creation_tokens  BIGINT,
    sharing_mode           VARCHAR(16)              DEFAULT 'team' NOT NULL,
    sharing_permissions    JSONB,
    tags                   JSONB,
    capabilities           JSONB,
    repo_owner             VARCHAR(255),
    repo_name              VARCHAR(255),
    branch                 VARCHAR(255),
    clone_url              VARCHAR(2048),
    is_new_branch          BOOLEAN                  DEFAULT FALSE NOT NULL,
    global_skill_refs      JSONB,
    sandbox_state          JSONB,
    sandbox_expires_at     TIMESTAMP WITH TIME ZONE,
    hibernate_after        TIMESTAMP WITH TIME ZONE,
    lines_added            INTEGER,
    lines_removed          INTEGER,
    snapshot_url           VARCHAR(2048),
    snapshot_created_at    TIMESTAMP WITH TIME ZONE,
    snapshot_size_bytes    BIGINT,
    cached_diff            JSONB,
    cached_diff_updated_at TIMESTAMP WITH TIME ZONE,
    extra                  JSONB,                             -- what one vendor alone has
    CONSTRAINT pk_session PRIMARY KEY (id),
    CONSTRAINT uq_session_public_id UNIQUE (public_id),
    CONSTRAINT uq_session_object_id UNIQUE (object_id),
    CONSTRAINT fk_session_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT fk_session_team FOREIGN KEY (team_id) REFERENCES team (id),
    CONSTRAINT fk_session_agent FOREIGN KEY (agent_id) REFERENCES agent (id),
    CONSTRAINT fk_session_owner FOREIGN KEY (owner_id) REFERENCES subject (id),
    CONSTRAINT ck_session_status CHECK (status IN ('created', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'archived')),
    CONSTRAINT ck_session_sharing CHECK (sharing_mode IN ('restricted', 'team', 'public'))
);

CREATE INDEX ix_session_tenant_created ON session (tenant_id, created_at);
CREATE INDEX ix_session_agent ON session (agent_id);
CREATE INDEX ix_session_owner ON session (owner_id);
CREATE INDEX ix_session_account ON session (account_id);
CREATE INDEX ix_agent_team ON agent (team_id);
