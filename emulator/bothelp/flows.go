package bothelp

import (
	"database/sql"
	"errors"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// Action kinds, as the control API lists them.
const (
	actionBotRun       = "bot_run"
	actionBotStop      = "bot_stop"
	actionFunnelAdd    = "funnel_add"
	actionFunnelRemove = "funnel_remove"
)

// runBot starts a bot for a subscriber, at stepReferral when given.
func (p *Platform) runBot(r *platform.Request) (any, error) {
	return p.act(r, actionBotRun, r.Input.String("botReferral"), r.Input.String("stepReferral"))
}

// stopBot stops a bot for a subscriber.
func (p *Platform) stopBot(r *platform.Request) (any, error) {
	return p.act(r, actionBotStop, r.Input.String("botReferral"), "")
}

// addToFunnel puts a subscriber in a funnel.
func (p *Platform) addToFunnel(r *platform.Request) (any, error) {
	return p.act(r, actionFunnelAdd, r.Input.String("funnelReferral"), "")
}

// removeFromFunnel takes a subscriber out of a funnel.
func (p *Platform) removeFromFunnel(r *platform.Request) (any, error) {
	return p.act(r, actionFunnelRemove, r.Input.String("funnelReferral"), "")
}

// act records an action for the addressed subscriber. The live API answers
// success without checking that the bot, step or funnel exists (observed);
// the record notes whether it did, for the control API.
func (p *Platform) act(r *platform.Request, kind, referral, step string) (any, error) {
	return p.writeSubscriber(r, func(tx *store.Tx, s subscriber) error {
		known, err := referralKnown(tx, r.TenantID(), kind, referral, step)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO bh_actions (tenant_id, subscriber_id, operation, kind, referral, step_referral, known, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.TenantID(), s.ID, r.Operation.ID, kind, referral, step, known, store.Micros(r.Now))
		return err
	})
}

// writeSubscriber runs fn on the subscriber the request addresses, in one
// write transaction, and answers the writes' {"success": true}.
func (p *Platform) writeSubscriber(r *platform.Request, fn func(tx *store.Tx, s subscriber) error) (any, error) {
	err := r.Write(func(tx *store.Tx) error {
		s, err := findSubscriber(tx, r)
		if err != nil {
			return err
		}
		return fn(tx, s)
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

// referralKnown reports whether the bot (and step) or funnel exists.
func referralKnown(tx *store.Tx, tenantID, kind, referral, step string) (bool, error) {
	var row *sql.Row
	switch {
	case kind == actionFunnelAdd || kind == actionFunnelRemove:
		row = tx.QueryRow(`SELECT 1 FROM bh_funnels WHERE tenant_id = ? AND referral = ?`, tenantID, referral)
	case step != "":
		row = tx.QueryRow(`SELECT 1 FROM bh_steps WHERE tenant_id = ? AND bot_referral = ? AND referral = ?`, tenantID, referral, step)
	default:
		row = tx.QueryRow(`SELECT 1 FROM bh_bots WHERE tenant_id = ? AND referral = ?`, tenantID, referral)
	}
	var one int
	err := row.Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
