-- get_clients pages newest first by (created_at, id): with id in the index
-- SQLite walks it in order instead of sorting every client of the tenant
-- to return one page.
DROP INDEX sb_clients_created;
CREATE INDEX sb_clients_created ON sb_clients (tenant_id, created_at, id);
