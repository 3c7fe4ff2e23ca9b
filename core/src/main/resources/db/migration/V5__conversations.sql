-- Conversations (issue #13, docs/architecture.md "Conversations"): turns, messages and the per-session event log.
-- Runs unchanged on H2 2.x (MODE=PostgreSQL) and PostgreSQL.

-- The per-session sequence counter: the last event's seq. Writers take it under the session's row lock
-- (SELECT ... FOR UPDATE), so sequence numbers are dense and ordered under concurrent writers on both databases.
ALTER TABLE session ADD COLUMN last_seq BIGINT DEFAULT 0 NOT NULL;
-- What the agent's turns are answered by: echo, script, none (external runtime), or another worker's name.
ALTER TABLE agent ADD COLUMN responder VARCHAR(64) DEFAULT 'echo' NOT NULL;

CREATE TABLE turn (
    id               UUID                     NOT NULL, -- UUIDv7; TrueFoundry/Everruns turn_<hex>
    session_id       UUID                     NOT NULL,
    number           INTEGER                  NOT NULL, -- 1, 2, ... per session
    chat_id          UUID,                              -- Recoup chat; null: the session's default chat
    previous_turn_id UUID,
    status           VARCHAR(16)              NOT NULL,
    cancel_reason    VARCHAR(32),
    error            VARCHAR(4096),
    input_message_id UUID,
    responder        VARCHAR(64)              NOT NULL,
    created_by       UUID,                              -- subject.id of the poster
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at       TIMESTAMP WITH TIME ZONE,
    finished_at      TIMESTAMP WITH TIME ZONE,
    worker           VARCHAR(255),                      -- the claimant holding the lease
    lease_until      TIMESTAMP WITH TIME ZONE,
    claims           INTEGER                  DEFAULT 0 NOT NULL,
    output_steps     INTEGER                  DEFAULT 0 NOT NULL, -- output appended by workers
    open_message_id  UUID,                              -- the agent message being streamed
    CONSTRAINT pk_turn PRIMARY KEY (id),
    CONSTRAINT fk_turn_session FOREIGN KEY (session_id) REFERENCES session (id),
    CONSTRAINT uq_turn_session_number UNIQUE (session_id, number),
    CONSTRAINT ck_turn_status CHECK (status IN ('queued', 'running', 'done', 'cancelled', 'error'))
);
-- Claims scan queued turns oldest first; the sweeper scans running turns by lease.
CREATE INDEX ix_turn_status_created ON turn (status, created_at);
CREATE INDEX ix_turn_status_lease ON turn (status, lease_until);

CREATE TABLE message (
    id          UUID                     NOT NULL, -- UUIDv7; Everruns message_<hex>, Recoup UUID
    session_id  UUID                     NOT NULL,
    turn_id     UUID,
    chat_id     UUID,
    seq         BIGINT                   NOT NULL, -- the seq of the event that created it
    role        VARCHAR(16)              NOT NULL,
    content     JSONB                    NOT NULL, -- array of parts
    object_id   CHAR(24)                 NOT NULL, -- Agentcloud _id
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_message PRIMARY KEY (id),
    CONSTRAINT fk_message_session FOREIGN KEY (session_id) REFERENCES session (id),
    CONSTRAINT uq_message_object_id UNIQUE (object_id),
    CONSTRAINT uq_message_session_seq UNIQUE (session_id, seq),
    CONSTRAINT ck_message_role CHECK (role IN ('user', 'agent', 'system', 'tool'))
);

CREATE TABLE event (
    session_id  UUID                     NOT NULL,
    seq         BIGINT                   NOT NULL,
    id          UUID                     NOT NULL, -- UUIDv7; Everruns event_<hex>
    type        VARCHAR(64)              NOT NULL,
    turn_id     UUID,
    step        INTEGER,                           -- a worker's step: (turn_id, step) makes appends idempotent
    payload     JSONB                    NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_event PRIMARY KEY (session_id, seq),
    CONSTRAINT fk_event_session FOREIGN KEY (session_id) REFERENCES session (id),
    CONSTRAINT uq_event_id UNIQUE (id),
    CONSTRAINT uq_event_turn_step UNIQUE (turn_id, step)
);
-- A turn's events (TrueFoundry turn events and subscribe) by seq.
CREATE INDEX ix_event_turn ON event (turn_id, seq);
