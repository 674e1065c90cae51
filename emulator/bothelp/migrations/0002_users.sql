-- What simulated end users (the control API's users) write, press or do.
-- The API has no webhook and no way to read a subscriber's messages, so the
-- control API is the only place it shows.
CREATE TABLE bh_inbound (
    id          INTEGER PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,            -- the subscriber id
    kind        TEXT NOT NULL,               -- text, image, file, button_press, subscribe, unsubscribe
    text        TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',  -- JSON [{type, url, name}]
    reply_to    TEXT NOT NULL DEFAULT '',    -- button_press: the thread event whose button was pressed
    outbox_seq  INTEGER NOT NULL,            -- the outbox's last id then: orders a thread within one instant
    created_at  INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES bh_subscribers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX bh_inbound_user ON bh_inbound (tenant_id, user_id, id);
