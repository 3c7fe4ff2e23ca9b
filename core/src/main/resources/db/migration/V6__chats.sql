-- Chats (issue #13, Recoup; docs/architecture.md "Conversations"): a session's extra chats and per-account read marks.
-- Runs unchanged on H2 2.x (MODE=PostgreSQL) and PostgreSQL.
--
-- turn.chat_id and message.chat_id name a chat; null is the session's default chat, whose id is the session's
-- canonical id. The default chat has a row here only once it was renamed, given a model or deleted; a chat
-- without a row is the default chat with its defaults. A deleted chat keeps its row (deleted_at set), and its
-- messages and turns stay in the session's log: the log is append-only, and the other dialects show the session's
-- whole conversation. Only Recoup, which reads by chat, stops showing them.

CREATE TABLE chat (
    id          UUID                     NOT NULL, -- Recoup chat id (a UUID; the client's when it chose one)
    session_id  UUID                     NOT NULL,
    title       VARCHAR(4096)            NOT NULL,
    model_id    VARCHAR(255)             NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at  TIMESTAMP WITH TIME ZONE,          -- a tombstone: the id stays taken
    CONSTRAINT pk_chat PRIMARY KEY (id),
    CONSTRAINT fk_chat_session FOREIGN KEY (session_id) REFERENCES session (id)
);
CREATE INDEX ix_chat_session ON chat (session_id, created_at);

-- When an account last read a chat (Recoup's hasUnread: an assistant message newer than the mark).
CREATE TABLE chat_read (
    chat_id     UUID                     NOT NULL,
    account_id  UUID                     NOT NULL,
    read_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_chat_read PRIMARY KEY (chat_id, account_id)
);

-- A chat's messages in order (Recoup reads history by chat).
CREATE INDEX ix_message_chat ON message (session_id, chat_id, seq);
