package cleverapp

import (
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// A referrer is the contact who invited; a referral is the contact invited.
// Contacts point at their referrer through ca_contacts.referrer_id.

// maxReferrerDepth is the documented upper bound of depth; without depth
// the whole chain up to it is shown (the default is inferred).
const maxReferrerDepth = 10

// referralNode is a contact as the referral methods show it.
func referralNode(c contact) jsonx.Object {
	return jsonx.Object{
		{Key: "id", Value: c.ID},
		{Key: "name", Value: c.Name},
		{Key: "messenger", Value: c.Messenger},
		{Key: "created_at", Value: laravel.Time(store.FromMicros(c.CreatedAt))},
	}
}

// getReferrers answers the chain of contacts above one: a tree (the
// contact, its "referrer", that one's "referrer" ...) or, with is_flat, the
// referrers alone as a list, nearest first (inferred).
func (p *Platform) getReferrers(r *platform.Request) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	c, err := p.contactByID(r, contactID)
	if err != nil {
		return nil, err
	}
	depth := int64(maxReferrerDepth)
	if d, ok := r.Input.Int("depth"); ok {
		depth = d
	}
	var chain []contact
	for cur := c; int64(len(chain)) < depth && cur.ReferrerID.Valid; {
		next, err := scanContact(p.store().QueryRow(r.Context(), `SELECT `+contactColumns+` FROM ca_contacts WHERE id = ?`, cur.ReferrerID.Int64))
		if errors.Is(err, sql.ErrNoRows) {
			break
		} else if err != nil {
			return nil, err
		}
		chain, cur = append(chain, next), next
	}
	if platform.Truthy(r.Input["is_flat"]) {
		data := []any{}
		for _, ref := range chain {
			data = append(data, referralNode(ref))
		}
		return jsonx.Object{{Key: "data", Value: data}}, nil
	}
	// Built from the top of the chain down: each node holds the one above.
	node := referralNode(c)
	var above jsonx.Object
	for i := len(chain) - 1; i >= 0; i-- {
		ref := referralNode(chain[i])
		if above != nil {
			ref = append(ref, jsonx.Field{Key: "referrer", Value: above})
		}
		above = ref
	}
	if above != nil {
		node = append(node, jsonx.Field{Key: "referrer", Value: above})
	}
	return jsonx.Object{{Key: "data", Value: node}}, nil
}

// getReferrals answers a page of the contact's direct referrals, optionally
// only those with some tags. GET works as well as the documented POST.
func (p *Platform) getReferrals(r *platform.Request) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	if _, err := p.contactByID(r, contactID); err != nil {
		return nil, err
	}
	filter, args := tagFilter(r.Input)
	number, ok := r.Input.Int("page")
	page := laravel.NewPage(number, ok, defaultPerPage)
	where := `referrer_id = ?` + filter
	args = append([]any{contactID}, args...)
	var total int
	if err := p.store().QueryRow(r.Context(), `SELECT COUNT(*) FROM ca_contacts WHERE `+where, args...).Scan(&total); err != nil {
		return nil, err
	}
	rows, err := p.store().Query(r.Context(), `SELECT `+contactColumns+` FROM ca_contacts WHERE `+where+` ORDER BY id LIMIT ? OFFSET ?`,
		append(args, page.PerPage, page.Offset())...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	data := []any{}
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, err
		}
		data = append(data, referralNode(c))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return laravel.Paginated(data, r.BaseURL+r.Path, page, total), nil
}

// getCountReferrals counts the whole network under a contact: its
// referrals, theirs, and so on, with the same tag filters. The answer's
// shape was never captured; {"data": {"count": N}} is inferred.
func (p *Platform) getCountReferrals(r *platform.Request) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	if _, err := p.contactByID(r, contactID); err != nil {
		return nil, err
	}
	filter, args := tagFilter(r.Input)
	var count int
	err := p.store().QueryRow(r.Context(), `WITH RECURSIVE network(id) AS (
			SELECT id FROM ca_contacts WHERE referrer_id = ?
			UNION SELECT c.id FROM ca_contacts c JOIN network n ON c.referrer_id = n.id
		)
		SELECT COUNT(*) FROM ca_contacts WHERE id IN (SELECT id FROM network)`+filter, append([]any{contactID}, args...)...).Scan(&count)
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: jsonx.Object{{Key: "count", Value: count}}}}, nil
}

// tagFilter turns filters[tag_name] and filters[tag_id] (each a value or a
// list) into a condition on ca_contacts: the contact has one of the named
// tags, and one of the tags given by id (inferred: any of a list, all of
// the keys). The lists travel as JSON so the query text stays the same.
func tagFilter(in platform.Input) (string, []any) {
	filters, _ := in["filters"].(*php.Array)
	var names, ids []any
	for _, v := range listOf(filters.Field("tag_name")) {
		names = append(names, platform.Text(v))
	}
	for _, v := range listOf(filters.Field("tag_id")) {
		n, ok := platform.Integer(v)
		if !ok {
			n = -1 // matches no tag
		}
		ids = append(ids, n)
	}
	namesJSON, _ := json.Marshal(names)
	idsJSON, _ := json.Marshal(ids)
	return ` AND (? = 'null' OR id IN (SELECT ct.contact_id FROM ca_contact_tags ct JOIN ca_tags t ON t.id = ct.tag_id
			WHERE t.name IN (SELECT value FROM json_each(?))))
		AND (? = 'null' OR id IN (SELECT contact_id FROM ca_contact_tags WHERE tag_id IN (SELECT value FROM json_each(?))))`,
		[]any{string(namesJSON), string(namesJSON), string(idsJSON), string(idsJSON)}
}

// listOf is a filter value as a list: a list as it is, a scalar as one
// item, nothing (or null) as none.
func listOf(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case *php.Array:
		var out []any
		for _, e := range x.Values() {
			if e != nil {
				out = append(out, e)
			}
		}
		return out
	}
	return []any{v}
}
