-- Scheduled messages are found per tenant: each tenant has its own clock.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (status, tenant_id, due_at);
