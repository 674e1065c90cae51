-- BotHelp. A tenant is one BotHelp account ("cabinet"). Subscriber ids are
-- numbered per account from 1, as the live API shows (CUID = prefix.base36(id)),
-- so every table is keyed by tenant first. Instants are unix microseconds.

CREATE TABLE bh_accounts (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL,
    cuid_prefix TEXT NOT NULL,                -- the part of every CUID before the dot
    settings    TEXT NOT NULL DEFAULT '{}'    -- the tenant's choices for inferred behaviour (JSON)
);

-- Bots ("flows") and their steps; listed in insertion order (rowid).
CREATE TABLE bh_bots (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    referral   TEXT NOT NULL,
    title      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, referral)
);

CREATE TABLE bh_steps (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    bot_referral TEXT NOT NULL,
    referral     TEXT NOT NULL,
    title        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, bot_referral, referral),
    FOREIGN KEY (tenant_id, bot_referral) REFERENCES bh_bots (tenant_id, referral) ON DELETE CASCADE
);

-- Funnels ("sequences", авторассылки).
CREATE TABLE bh_funnels (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    referral   TEXT NOT NULL,
    title      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, referral)
);

CREATE TABLE bh_subscribers (
    tenant_id           TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    id                  INTEGER NOT NULL,
    user_id             TEXT NOT NULL DEFAULT '',  -- the id in the messenger (Telegram user id, Facebook PSID ...)
    created_at          INTEGER NOT NULL,
    subscribed          INTEGER NOT NULL DEFAULT 1,
    name                TEXT NOT NULL DEFAULT '',
    first_name          TEXT NOT NULL DEFAULT '',
    last_name           TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    email               TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    phone_digits        TEXT NOT NULL DEFAULT '',  -- phone without formatting, for the phone filter
    channel_name        TEXT NOT NULL DEFAULT '',
    channel_type        TEXT NOT NULL DEFAULT '',
    utm_source          TEXT NOT NULL DEFAULT '',
    utm_medium          TEXT NOT NULL DEFAULT '',
    utm_campaign        TEXT NOT NULL DEFAULT '',
    utm_content         TEXT NOT NULL DEFAULT '',
    utm_term            TEXT NOT NULL DEFAULT '',
    prodamus_profile_id TEXT NOT NULL DEFAULT '',
    ya_client_id        TEXT NOT NULL DEFAULT '',
    tags                TEXT NOT NULL DEFAULT '[]', -- JSON array, in the order the tags were added
    updated_at          INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX bh_subscribers_email ON bh_subscribers (tenant_id, email COLLATE NOCASE);
CREATE INDEX bh_subscribers_phone ON bh_subscribers (tenant_id, phone_digits);
CREATE INDEX bh_subscribers_user ON bh_subscribers (tenant_id, user_id);

-- Custom ("user") fields, addressed by name; values are text.
CREATE TABLE bh_custom_fields (
    tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    subscriber_id INTEGER NOT NULL,
    name          TEXT NOT NULL,
    value         TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, subscriber_id, name),
    FOREIGN KEY (tenant_id, subscriber_id) REFERENCES bh_subscribers (tenant_id, id) ON DELETE CASCADE
);

-- Every bot run/stop and funnel add/remove the API accepted, in order.
CREATE TABLE bh_actions (
    id            INTEGER PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    subscriber_id INTEGER NOT NULL,
    operation     TEXT NOT NULL,
    kind          TEXT NOT NULL,               -- bot_run | bot_stop | funnel_add | funnel_remove
    referral      TEXT NOT NULL,
    step_referral TEXT NOT NULL DEFAULT '',
    known         INTEGER NOT NULL,            -- whether the referral names an existing bot/step/funnel
    created_at    INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, subscriber_id) REFERENCES bh_subscribers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX bh_actions_subscriber ON bh_actions (tenant_id, subscriber_id, id);
