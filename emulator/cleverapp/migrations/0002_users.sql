-- Simulated end users (the control API's users). A contact can unsubscribe
-- (block the bot). What users write, press or do is kept in ca_inbound: the
-- API has no webhook and no way to read a contact's messages, so the control
-- API is the only place it shows.
ALTER TABLE ca_contacts ADD COLUMN unsubscribed INTEGER NOT NULL DEFAULT 0;

CREATE TABLE ca_inbound (
    id          INTEGER PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES ca_contacts(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,               -- text, image, file, button_press, subscribe, unsubscribe
    text        TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',  -- JSON [{type, url, name}]
    reply_to    TEXT NOT NULL DEFAULT '',    -- button_press: the thread event whose button was pressed
    outbox_seq  INTEGER NOT NULL,            -- the outbox's last id then: orders a thread within one instant
    created_at  INTEGER NOT NULL
);
CREATE INDEX ca_inbound_user ON ca_inbound (user_id, id);
CREATE INDEX ca_inbound_tenant ON ca_inbound (tenant_id);
