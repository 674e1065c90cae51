-- Tenants own every other row; deleting one cascades to its whole state.
CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,
    seed       INTEGER NOT NULL,           -- seeds the tenant's credentials and ids, so a reset restores them
    faker_seed INTEGER NOT NULL,           -- seeds gofakeit, so a reset regenerates the same data
    fixture    TEXT NOT NULL DEFAULT '',   -- fixture name or inline fixture (JSON)
    info       TEXT NOT NULL DEFAULT '{}', -- the creation answer: id and credentials per platform (JSON)
    created_at INTEGER NOT NULL            -- unix microseconds
);

-- Every credential a client presents, whatever the platform, resolves here to one tenant.
CREATE TABLE credentials (
    platform   TEXT NOT NULL,
    secret     TEXT NOT NULL,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL DEFAULT '',   -- platform-specific: api_token, api_key, client, access_token ...
    data       TEXT NOT NULL DEFAULT '{}', -- platform-specific JSON (permissions, expiry ...)
    created_at INTEGER NOT NULL,
    PRIMARY KEY (platform, secret)
);
CREATE INDEX credentials_tenant ON credentials (tenant_id, platform);

-- Every message the emulator "delivered" (or will deliver) to an end user.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    platform     TEXT NOT NULL,
    operation    TEXT NOT NULL,
    bot_id       TEXT NOT NULL DEFAULT '',
    recipient    TEXT NOT NULL DEFAULT '',   -- contact / client / subscriber id as the platform names it
    messenger    TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL DEFAULT 'text', -- text | image | file | mixed
    text         TEXT NOT NULL DEFAULT '',
    payload      TEXT NOT NULL DEFAULT '{}', -- everything else the call carried (JSON)
    status       TEXT NOT NULL,              -- scheduled | delivered | failed
    created_at   INTEGER NOT NULL,
    due_at       INTEGER NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX outbox_tenant ON outbox (tenant_id, id);
CREATE INDEX outbox_due ON outbox (status, due_at);
