-- PostgreSQL only (Database.migrate adds this folder on PostgreSQL): H2 has no trigram index. Everruns' `search`
-- is a case-insensitive substring of the title (lower(title) LIKE '%…%'); a trigram index answers it without
-- reading the tenant's every session. pg_trgm is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX ix_session_title_trgm ON session USING gin (lower(title) gin_trgm_ops);
