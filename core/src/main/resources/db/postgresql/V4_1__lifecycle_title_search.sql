-- PostgreSQL only (Database.migrate adds this folder on PostgreSQL): H2 has no trigram index. A dialect's title
-- search is a case-insensitive substring of the title (lower(title) LIKE '%…%'); a trigram index answers it without
-- reading the tenant's every session. pg_trgm is a trusted extension: the database's owner may create it.
-- An extension is per database, not per schema: it goes to `public` when absent (several gateway schemas in one
-- database then share it, and dropping one of them cannot take it away), and the operator class is named with the
-- schema it is actually in, whatever the search_path.
DO $$
DECLARE
    ext_schema text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
                CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
            ELSE
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
            END IF;
        EXCEPTION WHEN unique_violation OR duplicate_object THEN
            NULL; -- another schema's migration created it at the same moment
        END;
    END IF;
    SELECT n.nspname INTO ext_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX ix_session_title_trgm ON session USING gin (lower(title) %I.gin_trgm_ops)',
        ext_schema);
END
$$;
