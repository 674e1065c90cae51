package cleverapp

import (
	"database/sql"
	"errors"

	"github.com/fakebots/fakebots/emulator/platform"
)

// ownedTables are the tables whose ids the API takes, with the model name
// Laravel's findOrFail reports.
var ownedTables = map[string]bool{
	"ca_bots": true, "ca_contacts": true, "ca_money_accounts": true, "ca_crypto_accounts": true,
	"ca_list_schemas": true, "ca_list_items": true,
}

// missing explains why id was not found among the caller's rows of table:
// another tenant's (or brand's) row is forbidden, no row at all is findOrFail's 404.
func (p *Platform) missing(r *platform.Request, table, model string, id any) error {
	if !ownedTables[table] {
		panic("missing: unknown table " + table)
	}
	var one int
	err := p.store().QueryRow(r.Context(), `SELECT 1 FROM `+table+` WHERE id = ?`, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errModelNotFound(model, id)
	case err != nil:
		return err
	}
	return errForbidden
}

// ownBot checks that botID is one of the caller's bots.
func (p *Platform) ownBot(r *platform.Request, botID int64) error {
	var one int
	err := p.store().QueryRow(r.Context(), `SELECT 1 FROM ca_bots WHERE id = ? AND tenant_id = ? AND brand = ?`,
		botID, r.TenantID(), p.brand.Name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return p.missing(r, "ca_bots", "Bot", botID)
	}
	return err
}

// flag is a boolean as SQLite stores it.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}
