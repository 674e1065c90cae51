package salebot

import (
	"embed"

	"github.com/fakebots/fakebots/emulator/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the platform's schema, applied by the store when it opens.
var Migrations = store.Migrations{Owner: Name, Files: migrationFiles}
