package bothelp

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fakebots/fakebots/emulator/platform"
)

// item is a bot, a step or a funnel as the lists show it.
type item struct {
	Title    string `json:"title"`
	Referral string `json:"referral"`
}

// listBots is the account's bots, a bare array.
func (p *Platform) listBots(r *platform.Request) (any, error) {
	return p.items(r.Context(), `SELECT title, referral FROM bh_bots WHERE tenant_id = ? ORDER BY rowid`, r.TenantID())
}

// listFunnels is the account's funnels, a bare array ([] when none).
func (p *Platform) listFunnels(r *platform.Request) (any, error) {
	return p.items(r.Context(), `SELECT title, referral FROM bh_funnels WHERE tenant_id = ? ORDER BY rowid`, r.TenantID())
}

// listBotSteps is one bot's steps. An unknown bot has none (inferred), or
// is a 404 with the tenant's unknown_bot_steps=not_found.
func (p *Platform) listBotSteps(r *platform.Request) (any, error) {
	ref := r.PathParams["botReferral"]
	steps, err := p.items(r.Context(), `SELECT title, referral FROM bh_steps WHERE tenant_id = ? AND bot_referral = ? ORDER BY rowid`, r.TenantID(), ref)
	if err != nil || len(steps) > 0 {
		return steps, err
	}
	acc, err := loadAccount(p.reader(r.Context()), r.TenantID())
	if err != nil || acc.Settings.UnknownBotSteps != "not_found" {
		return steps, err
	}
	var one int
	err = p.store().QueryRow(r.Context(), `SELECT 1 FROM bh_bots WHERE tenant_id = ? AND referral = ?`, r.TenantID(), ref).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBotNotFound
	}
	return steps, err
}

func (p *Platform) items(ctx context.Context, query string, args ...any) ([]item, error) {
	rows, err := p.store().Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []item{}
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.Title, &it.Referral); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
