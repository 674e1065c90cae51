-- A tenant's choices where the platform's behaviour is read two ways (see settings.go).
ALTER TABLE ca_accounts ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
