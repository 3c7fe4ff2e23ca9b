-- The key forms are the dialects that declare an API key prefix; the gateway checks them in code
-- (ApiKeyService), so a new dialect with keys needs no migration.
ALTER TABLE api_key DROP CONSTRAINT ck_api_key_dialect;
