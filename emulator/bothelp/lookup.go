package bothelp

import (
	"database/sql"
	"errors"
	"strconv"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// messengerChannel is the channel the v2 /subscribers/messenger/{PSID}
// paths serve: "Facebook-only", as a live client found out. Subscribers of
// other channels are not found there.
const messengerChannel = "facebook"

// findSubscriber reads the subscriber the path addresses in the caller's
// account: by {id}, by {cuid} or by {messengerUserId}. Anything that names
// no subscriber of this account is errSubscriberNotFound.
func findSubscriber(tx *store.Tx, r *platform.Request) (subscriber, error) {
	tenantID := r.TenantID()
	id, err := subscriberID(tx, r)
	if err != nil {
		return subscriber{}, err
	}
	s, err := loadSubscriberByID(tx.QueryRow, tenantID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return s, errSubscriberNotFound
	}
	return s, err
}

// subscriberID resolves the path's address to an id, unchecked for {id}.
func subscriberID(tx *store.Tx, r *platform.Request) (int64, error) {
	params := r.PathParams
	switch {
	case params["id"] != "":
		id, err := strconv.ParseInt(params["id"], 10, 64)
		if err != nil {
			return 0, errSubscriberNotFound
		}
		return id, nil
	case params["cuid"] != "":
		acc, err := loadAccount(tx.QueryRow, r.TenantID())
		if err != nil {
			return 0, err
		}
		id, ok := parseCUID(acc.Prefix, params["cuid"])
		if !ok {
			return 0, errSubscriberNotFound
		}
		return id, nil
	}
	var id int64
	err := tx.QueryRow(`SELECT id FROM bh_subscribers WHERE tenant_id = ? AND user_id = ? AND channel_type = ? ORDER BY id LIMIT 1`,
		r.TenantID(), params["messengerUserId"], messengerChannel).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errSubscriberNotFound
	}
	return id, err
}
