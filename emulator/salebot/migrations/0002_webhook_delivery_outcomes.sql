-- The delivery log says how each delivery ended (delivered, failed, dropped
-- unsent, refused because it would reach the emulator itself), keeps the
-- payload only of deliveries that were sent, and lists every attempt with
-- its time on the tenant's clock. Rows of the earlier log are kept.

CREATE TABLE sb_webhook_deliveries_new (
    id          INTEGER PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    message_id  INTEGER NOT NULL,            -- the history message the event is about
    url         TEXT NOT NULL,
    outcome     TEXT NOT NULL,               -- delivered, failed, dropped, refused
    payload     TEXT,                        -- the body sent; NULL when nothing was (dropped, refused)
    status_code INTEGER NOT NULL DEFAULT 0,  -- the last answer's status; 0 when none came
    attempts    INTEGER NOT NULL DEFAULT 0,
    attempt_log TEXT NOT NULL DEFAULT '[]',  -- JSON: [{at, status, error, duration_ms}], at on the tenant's clock
    duration_ms REAL NOT NULL DEFAULT 0,     -- wall time of the attempts, without the waits between them
    error       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL             -- the tenant's clock when the event happened
);

INSERT INTO sb_webhook_deliveries_new
    (id, tenant_id, message_id, url, outcome, payload, status_code, attempts, duration_ms, error, created_at)
SELECT id, tenant_id, message_id, url,
       CASE WHEN error = '' THEN 'delivered'
            WHEN attempts = 0 THEN 'dropped'
            ELSE 'failed' END,
       CASE WHEN attempts = 0 THEN NULL ELSE payload END,
       status_code, attempts, duration_ms, error, created_at
FROM sb_webhook_deliveries;

DROP TABLE sb_webhook_deliveries;
ALTER TABLE sb_webhook_deliveries_new RENAME TO sb_webhook_deliveries;
CREATE INDEX sb_webhook_deliveries_tenant ON sb_webhook_deliveries (tenant_id, id);
