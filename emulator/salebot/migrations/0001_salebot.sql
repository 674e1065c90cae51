-- Salebot: one project per tenant with its channels, clients and their
-- variables, deals (orders) in a funnel, lists, managers, bot blocks, the
-- message history and the outgoing-webhook delivery log. Ids are per tenant
-- ((tenant_id, id) keys), so a fixture's ids are kept whoever else uses it;
-- another project's id is simply unknown, as on the real service.

CREATE TABLE sb_projects (
    tenant_id  TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    id         INTEGER NOT NULL,             -- project_id
    settings   TEXT NOT NULL DEFAULT '{}',   -- tenant settings (JSON): content type, error answers, statuses ...
    webhook    TEXT NOT NULL DEFAULT '{}',   -- webhook configuration (JSON): url, timeout, retries ...
    created_at INTEGER NOT NULL
);

CREATE TABLE sb_channels (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id          INTEGER NOT NULL,
    kind        TEXT NOT NULL,               -- telegram, whatsapp, vkontakte, viber ... (connected_channels key)
    client_type INTEGER NOT NULL,
    group_id    TEXT NOT NULL,               -- text form: what a client's "group" holds
    group_json  TEXT NOT NULL,               -- as connected_channels shows it (a JSON number or string)
    name        TEXT NOT NULL DEFAULT '',
    enabled     INTEGER NOT NULL DEFAULT 1,
    status      INTEGER,                     -- WhatsApp: 0 NOT_STARTED, 1 STARTED, 2 ASLEEP, 3 STOPPED
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE sb_clients (
    tenant_id             TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id                    INTEGER NOT NULL,
    platform_id           TEXT NOT NULL,
    client_type           INTEGER NOT NULL,
    group_id              TEXT NOT NULL DEFAULT '',
    name                  TEXT,
    avatar                TEXT,
    tag                   TEXT,
    message_id            INTEGER,           -- the block the client is at
    custom_answer         TEXT,
    operator_start_dialog INTEGER,
    manager_id            INTEGER,
    created_at            INTEGER NOT NULL,  -- unix microseconds
    updated_at            INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sb_clients_platform ON sb_clients (tenant_id, platform_id);
CREATE INDEX sb_clients_created ON sb_clients (tenant_id, created_at);

-- Values are JSON (a variable keeps the type it was saved with); text is the
-- value's text form, for lookups by value.
CREATE TABLE sb_client_vars (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL,
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    text      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, client_id, name),
    FOREIGN KEY (tenant_id, client_id) REFERENCES sb_clients (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sb_client_vars_value ON sb_client_vars (tenant_id, name, text);

CREATE TABLE sb_states (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id        INTEGER NOT NULL,
    name      TEXT NOT NULL,
    position  INTEGER NOT NULL,
    outcome   INTEGER NOT NULL DEFAULT 0,    -- the order status a deal gets here: 0 active, 1 successful, 2 failed
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE sb_orders (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id          INTEGER NOT NULL,
    client_id   INTEGER NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    budget      REAL,
    state_id    INTEGER,
    status      INTEGER NOT NULL DEFAULT 0,  -- 0 active, 1 successful, 2 failed
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES sb_clients (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sb_orders_client ON sb_orders (tenant_id, client_id, status);

CREATE TABLE sb_order_vars (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    order_id  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    text      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, order_id, name),
    FOREIGN KEY (tenant_id, order_id) REFERENCES sb_orders (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sb_order_vars_value ON sb_order_vars (tenant_id, name, text);

CREATE TABLE sb_lists (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id        INTEGER NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE sb_list_members (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    list_id   INTEGER NOT NULL,
    client_id INTEGER NOT NULL,
    added_at  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, list_id, client_id),
    FOREIGN KEY (tenant_id, list_id) REFERENCES sb_lists (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, client_id) REFERENCES sb_clients (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sb_list_members_client ON sb_list_members (tenant_id, client_id);

CREATE TABLE sb_managers (
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id        INTEGER NOT NULL,
    email     TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);

-- The bot scheme's blocks, as get_messages lists them.
CREATE TABLE sb_blocks (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id           INTEGER NOT NULL,
    condition    TEXT NOT NULL DEFAULT '',
    answer       TEXT NOT NULL DEFAULT '',
    message_type INTEGER NOT NULL DEFAULT 0,
    description  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);

-- The conversation history get_history reads: what clients wrote, what was
-- delivered to them, and callbacks.
CREATE TABLE sb_messages (
    tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id            INTEGER NOT NULL,
    client_id     INTEGER NOT NULL,
    client_replica INTEGER NOT NULL,         -- 1 from the client, 0 to the client
    text          TEXT NOT NULL DEFAULT '',
    attachments   TEXT NOT NULL DEFAULT '[]', -- JSON [{attachment_url, attachment_type}]
    message_id    INTEGER,                   -- the block it was sent from
    from_outside  INTEGER NOT NULL DEFAULT 0, -- 0 ordinary, 1 via API, 3 callback ...
    answered      INTEGER NOT NULL DEFAULT 0,
    delivered     INTEGER NOT NULL DEFAULT 1,
    error_message TEXT,
    manager_id    INTEGER,
    manager_email TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES sb_clients (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sb_messages_client ON sb_messages (tenant_id, client_id, created_at);

CREATE TABLE sb_webhook_deliveries (
    id          INTEGER PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL,            -- the history message the event is about
    url         TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,  -- the last answer's status; 0 when none came
    attempts    INTEGER NOT NULL DEFAULT 0,
    duration_ms REAL NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL             -- the emulator's clock when the event happened
);
CREATE INDEX sb_webhook_deliveries_tenant ON sb_webhook_deliveries (tenant_id, id);
