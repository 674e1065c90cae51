package salebot

import (
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// success is the answer of actions whose body the docs do not show (inferred).
var success = jsonx.Object{{Key: "status", Value: "success"}}

// varTable is where one kind of variables lives.
type varTable struct{ table, owner string }

var (
	clientVars = varTable{"sb_client_vars", "client_id"}
	orderVars  = varTable{"sb_order_vars", "order_id"}
)

// clientPrefix sends save_variables' names to the client's variables.
const clientPrefix = "client."

// setVar stores a variable, keeping its place when it already exists.
func setVar(tx *store.Tx, t varTable, tenantID string, owner int64, name string, value any) error {
	raw, text, err := varValue(value)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO `+t.table+` (tenant_id, `+t.owner+`, name, value, text) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, `+t.owner+`, name) DO UPDATE SET value = excluded.value, text = excluded.text`,
		tenantID, owner, name, string(raw), text)
	return err
}

// loadVars lists an owner's variables in the order they were first set.
func loadVars(q db, t varTable, tenantID string, owner int64) (jsonx.Object, error) {
	rows, err := q.Query(`SELECT name, value FROM `+t.table+` WHERE tenant_id = ? AND `+t.owner+` = ? ORDER BY rowid`, tenantID, owner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := jsonx.Object{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, err
		}
		out = append(out, jsonx.Field{Key: name, Value: json.RawMessage(value)})
	}
	return out, rows.Err()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// saveVariables writes deal variables (the default) and client variables
// (names prefixed client.) for client_id or, in bulk, every id of clients.
func (p *Platform) saveVariables(r *platform.Request) (any, error) {
	in, pr := r.Input, projectOf(r)
	vars, _ := in["variables"].(map[string]any)
	var ids []int64
	single := in.Present("client_id")
	if single {
		id, _ := in.Int("client_id")
		ids = append(ids, id)
	}
	ids = append(ids, idList(in["clients"])...)
	err := p.write(r, func(tx *store.Tx) error {
		for i, id := range ids {
			c, err := clientByID(tx, pr.TenantID, id)
			if errors.Is(err, errClientNotFound) && !(single && i == 0) {
				continue // unknown ids of a bulk save are skipped (inferred)
			} else if err != nil {
				return err
			}
			if err := saveClientVariables(tx, pr, c.ID, vars, r.Now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

// saveClientVariables splits variables between the client and its current
// deal, which is created when the client has none.
func saveClientVariables(tx *store.Tx, pr *project, clientID int64, vars map[string]any, now time.Time) error {
	var orderID int64
	for _, name := range sortedKeys(vars) {
		if short, ok := strings.CutPrefix(name, clientPrefix); ok {
			if err := setVar(tx, clientVars, pr.TenantID, clientID, short, vars[name]); err != nil {
				return err
			}
			continue
		}
		if orderID == 0 {
			o, err := currentOrCreateOrder(tx, pr.TenantID, clientID, now)
			if err != nil {
				return err
			}
			orderID = o.ID
		}
		if err := setVar(tx, orderVars, pr.TenantID, orderID, name, vars[name]); err != nil {
			return err
		}
	}
	return touch(tx, pr.TenantID, clientID, now)
}

// getVariables answers a flat object: system fields ("NONE" when empty, as
// observed), then the client's variables, then its current deal's (the deal
// wins a name clash).
func (p *Platform) getVariables(r *platform.Request) (any, error) {
	q, pr := p.read(r), projectOf(r)
	id, _ := r.Input.Int("client_id")
	c, err := clientByID(q, pr.TenantID, id)
	if err != nil {
		return nil, err
	}
	blockID := "NONE"
	if c.MessageID != nil {
		blockID = strconv.FormatInt(*c.MessageID, 10)
	}
	out := jsonx.Object{
		{Key: "platform_id", Value: c.PlatformID},
		{Key: "client_type", Value: strconv.Itoa(c.ClientType)},
		{Key: "name", Value: orNone(c.Name)},
		{Key: "avatar", Value: orNone(c.Avatar)},
		{Key: "tag", Value: orNone(c.Tag)},
		{Key: "group", Value: c.Group},
		{Key: "main_client_id", Value: strconv.FormatInt(c.ID, 10)},
		{Key: "message_id", Value: blockID},
	}
	own, err := loadVars(q, clientVars, pr.TenantID, c.ID)
	if err != nil {
		return nil, err
	}
	for _, f := range own {
		out.Set(f.Key, f.Value)
	}
	if o, err := currentOrder(q, pr.TenantID, c.ID); err == nil {
		deal, err := loadVars(q, orderVars, pr.TenantID, o.ID)
		if err != nil {
			return nil, err
		}
		for _, f := range deal {
			out.Set(f.Key, f.Value)
		}
	} else if err != errOrderNotFound {
		return nil, err
	}
	return out, nil
}
