package cleverapp

import (
	"embed"

	"github.com/fakebots/fakebots/emulator/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the schema of both brands, applied by the store when it opens.
var Migrations = store.Migrations{Owner: "cleverapp", Files: migrationFiles}
