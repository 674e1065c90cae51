-- A tenant's control token opens its own control endpoints and nothing else.
ALTER TABLE tenants ADD COLUMN control_token TEXT NOT NULL DEFAULT '';
CREATE INDEX tenants_control_token ON tenants (control_token);
