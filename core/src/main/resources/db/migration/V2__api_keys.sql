-- API keys (Recoup x-api-key, Everruns evr_...): shown once at creation, stored only as a SHA-256 hash of the
-- whole key. Keys carry 256 random bits, so an unsalted fast hash is enough; lookups go by the hash's unique index.
CREATE TABLE api_key (
    id            UUID                     NOT NULL,
    tenant_id     UUID                     NOT NULL,
    dialect       VARCHAR(16)              NOT NULL, -- which header form the key is for: everruns | recoup
    name          VARCHAR(255)             NOT NULL,
    display       VARCHAR(32)              NOT NULL, -- the key's first characters, for humans
    secret_hash   CHAR(64)                 NOT NULL, -- lowercase hex SHA-256 of the key
    subject_type  VARCHAR(64)              NOT NULL,
    subject_id    VARCHAR(255)             NOT NULL,
    account_id    UUID,
    teams         JSONB                    NOT NULL, -- array of team ObjectIds the key acts for
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE,
    revoked_at    TIMESTAMP WITH TIME ZONE,
    last_used_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_api_key PRIMARY KEY (id),
    CONSTRAINT fk_api_key_tenant FOREIGN KEY (tenant_id) REFERENCES tenant (id),
    CONSTRAINT uq_api_key_secret_hash UNIQUE (secret_hash),
    CONSTRAINT ck_api_key_dialect CHECK (dialect IN ('everruns', 'recoup'))
);

CREATE INDEX ix_api_key_tenant ON api_key (tenant_id, created_at);
