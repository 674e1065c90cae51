package salebot

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
)

// condition is one test of find_clients' q on one variable.
type condition struct {
	name   string
	op     string // eq, _in, _not_in, _not, _gt, _gte, _lt, _lte
	texts  []string
	number float64
}

// numericOps compare numbers: documented as possible only when every
// client's value is a number; the operator names are inferred.
var numericOps = map[string]func(a, b float64) bool{
	"_gt":  func(a, b float64) bool { return a > b },
	"_gte": func(a, b float64) bool { return a >= b },
	"_lt":  func(a, b float64) bool { return a < b },
	"_lte": func(a, b float64) bool { return a <= b },
}

// parseQuery reads q: {"var": value} is equality, {"var": {"_op": arg}}
// an operator. Anything else is "Error in parameter format".
func parseQuery(q map[string]any) ([]condition, error) {
	var conds []condition
	for _, name := range sortedKeys(q) {
		ops, isObject := q[name].(map[string]any)
		if !isObject {
			text, ok := scalarText(q[name])
			if !ok {
				return nil, errFormat
			}
			conds = append(conds, condition{name: name, op: "eq", texts: []string{text}})
			continue
		}
		if len(ops) == 0 {
			return nil, errFormat
		}
		for _, op := range sortedKeys(ops) {
			c, err := operator(name, op, ops[op])
			if err != nil {
				return nil, err
			}
			conds = append(conds, c)
		}
	}
	return conds, nil
}

func operator(name, op string, arg any) (condition, error) {
	c := condition{name: name, op: op}
	switch op {
	case "_in", "_not_in":
		list, ok := arg.([]any)
		if !ok {
			return c, errFormat
		}
		for _, v := range list {
			text, ok := scalarText(v)
			if !ok {
				return c, errFormat
			}
			c.texts = append(c.texts, text)
		}
	case "_not":
		text, ok := scalarText(arg)
		if !ok {
			return c, errFormat
		}
		c.texts = []string{text}
	default:
		if numericOps[op] == nil {
			return c, errFormat
		}
		n, ok := toNumber(arg)
		if !ok {
			return c, errFormat
		}
		c.number = n
	}
	return c, nil
}

func scalarText(v any) (string, bool) {
	switch v.(type) {
	case string, float64, bool:
		_, text, err := varValue(v)
		return text, err == nil
	}
	return "", false
}

func toNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// storedValue is a variable as find_clients sees it.
type storedValue struct {
	raw  json.RawMessage
	text string
}

// findClients evaluates q over every client's variables (or every deal's,
// with search_in=order): all conditions (include_all, the default) or any.
// A client without the variable fails every condition on it.
func (p *Platform) findClients(r *platform.Request) (any, error) {
	in := r.Input
	q, _ := in["q"].(map[string]any)
	if len(q) == 0 {
		return nil, errRequired("q")
	}
	conds, err := parseQuery(q)
	if err != nil {
		return nil, err
	}
	values, owners, err := p.loadSearchValues(r, in.String("search_in") == "order", conds)
	if err != nil {
		return nil, err
	}
	for _, c := range conds {
		if numericOps[c.op] == nil {
			continue
		}
		for _, vals := range values {
			if v, ok := vals[c.name]; ok {
				if _, isNum := number(v.raw); !isNum {
					return nil, errSomethingWrong
				}
			}
		}
	}
	all := optBool(in, "include_all", true)
	ids := []int64{}
	for _, o := range owners {
		if matches(conds, values[o.owner], all) && !slices.Contains(ids, o.client) {
			ids = append(ids, o.client)
		}
	}
	return foundClients(ids), nil
}

func matches(conds []condition, vals map[string]storedValue, all bool) bool {
	for _, c := range conds {
		ok := c.test(vals)
		if ok && !all {
			return true
		}
		if !ok && all {
			return false
		}
	}
	return all
}

func (c condition) test(vals map[string]storedValue) bool {
	v, ok := vals[c.name]
	if !ok {
		return false
	}
	switch c.op {
	case "eq", "_in":
		return slices.Contains(c.texts, v.text)
	case "_not", "_not_in":
		return !slices.Contains(c.texts, v.text)
	}
	n, _ := number(v.raw)
	return numericOps[c.op](n, c.number)
}

// owner is a client, or a deal and its client.
type owner struct{ owner, client int64 }

// loadSearchValues reads the variables the conditions name, by owner (a
// client, or a deal), and lists the owners in the order their clients were
// stored: find_clients answers in that order, as the docs' example does.
func (p *Platform) loadSearchValues(r *platform.Request, inOrders bool, conds []condition) (map[int64]map[string]storedValue, []owner, error) {
	q := p.read(r)
	ownerQuery, t := `SELECT id, id FROM sb_clients WHERE tenant_id = ? ORDER BY rowid`, clientVars
	if inOrders {
		ownerQuery, t = `SELECT o.id, o.client_id FROM sb_orders o JOIN sb_clients c ON c.tenant_id = o.tenant_id AND c.id = o.client_id
			WHERE o.tenant_id = ? ORDER BY c.rowid, o.id`, orderVars
	}
	var owners []owner
	rows, err := q.Query(ownerQuery, r.TenantID())
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var o owner
		if err := rows.Scan(&o.owner, &o.client); err != nil {
			rows.Close()
			return nil, nil, err
		}
		owners = append(owners, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	values := map[int64]map[string]storedValue{}
	for _, name := range conditionNames(conds) {
		rows, err := q.Query(`SELECT `+t.owner+`, value, text FROM `+t.table+` WHERE tenant_id = ? AND name = ?`, r.TenantID(), name)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var owner int64
			var v storedValue
			var raw string
			if err := rows.Scan(&owner, &raw, &v.text); err != nil {
				rows.Close()
				return nil, nil, err
			}
			v.raw = json.RawMessage(raw)
			if values[owner] == nil {
				values[owner] = map[string]storedValue{}
			}
			values[owner][name] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return values, owners, nil
}

func conditionNames(conds []condition) []string {
	var names []string
	for _, c := range conds {
		if !slices.Contains(names, c.name) {
			names = append(names, c.name)
		}
	}
	return names
}
