-- CleverApp and Onebot (one Laravel backend, two brands). Every row carries
-- its tenant and brand ("cleverapp" | "onebot"); ids are global, as on the
-- real service, so another tenant's id is recognisable (403) rather than unknown.

CREATE TABLE ca_accounts (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    brand      TEXT NOT NULL,
    id         INTEGER NOT NULL,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    phone      TEXT NOT NULL,
    plan       TEXT NOT NULL DEFAULT 'pro',   -- pro | free: the API needs PRO
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, brand)
);

CREATE TABLE ca_bots (
    id         INTEGER PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    brand      TEXT NOT NULL,
    name       TEXT NOT NULL,
    messenger  TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX ca_bots_tenant ON ca_bots (tenant_id, brand);

CREATE TABLE ca_contacts (
    id                INTEGER PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    brand             TEXT NOT NULL,
    bot_id            INTEGER NOT NULL REFERENCES ca_bots(id) ON DELETE CASCADE,
    name              TEXT NOT NULL DEFAULT '',
    messenger         TEXT NOT NULL,
    phone             TEXT,
    email             TEXT,
    telegram_id       TEXT,
    telegram_username TEXT,
    viber_id          TEXT,
    vk_id             TEXT,
    address           TEXT,
    utm               TEXT,          -- JSON object or NULL
    referrer_id       INTEGER REFERENCES ca_contacts(id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX ca_contacts_tenant ON ca_contacts (tenant_id, brand, id);
-- A tenant's contacts of one bot, in id order: getContacts counts and pages with it alone.
CREATE INDEX ca_contacts_tenant_bot ON ca_contacts (tenant_id, brand, bot_id, id);
-- Deleting a bot (with its tenant) cascades to its contacts through this one.
CREATE INDEX ca_contacts_bot ON ca_contacts (bot_id);
CREATE INDEX ca_contacts_referrer ON ca_contacts (referrer_id);

-- Variables are declared per bot; each contact holds values for some of them.
CREATE TABLE ca_variables (
    id        INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    bot_id    INTEGER NOT NULL REFERENCES ca_bots(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    UNIQUE (bot_id, name)
);

CREATE TABLE ca_contact_variables (
    contact_id  INTEGER NOT NULL REFERENCES ca_contacts(id) ON DELETE CASCADE,
    variable_id INTEGER NOT NULL REFERENCES ca_variables(id) ON DELETE CASCADE,
    value       TEXT NOT NULL,
    deletable   INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (contact_id, variable_id)
);

CREATE TABLE ca_tags (
    id        INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    bot_id    INTEGER NOT NULL REFERENCES ca_bots(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    UNIQUE (bot_id, name)
);

CREATE TABLE ca_contact_tags (
    contact_id INTEGER NOT NULL REFERENCES ca_contacts(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES ca_tags(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (contact_id, tag_id)
);

-- Internal money accounts: amount in minor units (kopecks for RUB).
CREATE TABLE ca_money_accounts (
    id         INTEGER PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    brand      TEXT NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES ca_contacts(id) ON DELETE CASCADE,
    currency   TEXT NOT NULL,
    amount     INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ca_money_accounts_contact ON ca_money_accounts (contact_id, id);

-- Crypto accounts: a separate model with a float amount (e.g. 0.015 BTC).
CREATE TABLE ca_crypto_accounts (
    id         INTEGER PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    brand      TEXT NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES ca_contacts(id) ON DELETE CASCADE,
    currency   TEXT NOT NULL,
    amount     REAL NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ca_crypto_accounts_contact ON ca_crypto_accounts (contact_id, id);

-- The ledger of both kinds: exactly one of the two account columns is set.
CREATE TABLE ca_account_operations (
    id                INTEGER PRIMARY KEY,
    money_account_id  INTEGER REFERENCES ca_money_accounts(id) ON DELETE CASCADE,
    crypto_account_id INTEGER REFERENCES ca_crypto_accounts(id) ON DELETE CASCADE,
    amount            REAL NOT NULL,    -- positive for funds added, negative for withdrawn
    description       TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    CHECK ((money_account_id IS NULL) <> (crypto_account_id IS NULL))
);
CREATE INDEX ca_account_operations_money ON ca_account_operations (money_account_id);
CREATE INDEX ca_account_operations_crypto ON ca_account_operations (crypto_account_id);

-- Lists: schemas with ordered fields (JSON) and items keyed by field slug (JSON); 24-hex ids.
CREATE TABLE ca_list_schemas (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    brand      TEXT NOT NULL,
    bot_id     INTEGER,
    name       TEXT NOT NULL,
    is_menu    INTEGER NOT NULL DEFAULT 0,
    fields     TEXT NOT NULL,           -- JSON array of {slug, name, type, is_required, is_hidden, is_encryptable}
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ca_list_schemas_tenant ON ca_list_schemas (tenant_id, brand, created_at);

CREATE TABLE ca_list_items (
    id         TEXT PRIMARY KEY,
    schema_id  TEXT NOT NULL REFERENCES ca_list_schemas(id) ON DELETE CASCADE,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    data       TEXT NOT NULL,           -- JSON object keyed by field slug (contact and bot fields hold ids)
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ca_list_items_schema ON ca_list_items (schema_id, created_at);

-- sendMessageToQueue: the client's message_id makes a queued message idempotent.
CREATE TABLE ca_queue (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    brand      TEXT NOT NULL,
    message_id TEXT NOT NULL,
    outbox_id  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, brand, message_id)
);

-- Every foreign key has an index leading with its columns, so deleting or
-- resetting a tenant finds the rows it cascades to without scanning tables.
CREATE INDEX ca_variables_tenant ON ca_variables (tenant_id);
CREATE INDEX ca_contact_variables_variable ON ca_contact_variables (variable_id);
CREATE INDEX ca_tags_tenant ON ca_tags (tenant_id);
CREATE INDEX ca_contact_tags_tag ON ca_contact_tags (tag_id);
CREATE INDEX ca_money_accounts_tenant ON ca_money_accounts (tenant_id);
CREATE INDEX ca_crypto_accounts_tenant ON ca_crypto_accounts (tenant_id);
CREATE INDEX ca_list_items_tenant ON ca_list_items (tenant_id);
