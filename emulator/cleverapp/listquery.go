package cleverapp

import (
	"sort"
	"strings"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
)

// getListItems answers a page of a list's items: those of a contact or bot
// when asked, matching every filter exactly (AND only, as clients note),
// sorted by order_by ("field" or "field,direction").
func (p *Platform) getListItems(r *platform.Request) (any, error) {
	in := r.Input
	s, err := p.schemaByID(r, in.String("schema_id"))
	if err != nil {
		return nil, err
	}
	var refs []itemRef
	if id, ok := in.Int("contact_id"); ok {
		if _, err := p.contactByID(r, id); err != nil {
			return nil, err
		}
		refs = append(refs, itemRef{"contact", id})
	}
	if id, ok := in.Int("bot_id"); ok {
		if err := p.ownBot(r, id); err != nil {
			return nil, err
		}
		refs = append(refs, itemRef{"bot", id})
	}
	items, err := p.schemaItems(r, s.ID)
	if err != nil {
		return nil, err
	}
	filters, _ := in["filters"].(*php.Array)
	matched := items[:0]
	for _, it := range items {
		ok := true
		for _, ref := range refs {
			ok = ok && it.refersTo(s, ref.fieldType, ref.id)
		}
		for i := 0; i < filters.Len(); i++ {
			slug, _ := filters.Key(i)
			ok = ok && matchesFilter(s, it, slug, filters.Value(i))
		}
		if ok {
			matched = append(matched, it)
		}
	}
	sortItems(s, matched, in.String("order_by"))

	perPage := int64(defaultPerPage)
	if n, ok := in.Int("limit"); ok {
		perPage = n
	}
	number, ok := in.Int("page")
	page := laravel.NewPage(number, ok, int(perPage))
	data := []any{}
	for i := page.Offset(); i < len(matched) && i < page.Offset()+page.PerPage; i++ {
		data = append(data, matched[i].JSON(s))
	}
	return laravel.Paginated(data, r.BaseURL+r.Path, page, len(matched)), nil
}

// itemRef asks for the items whose field of a type holds an id.
type itemRef struct {
	fieldType string
	id        int64
}

// schemaItems loads a list's items in the order they were added.
func (p *Platform) schemaItems(r *platform.Request, schemaID string) ([]listItem, error) {
	rows, err := p.store().Query(r.Context(), `SELECT `+itemColumns+` FROM ca_list_items WHERE schema_id = ? ORDER BY created_at, id`, schemaID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []listItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// matchesFilter is an exact match of an item's value with a filter value
// read as the field's type (so "1" finds true and 5, date fields take Unix
// seconds). A list of values matches any of them (inferred: whereIn); null
// matches a missing value, and a slug the schema lacks has only missing
// values, as in a document store.
func matchesFilter(s listSchema, it listItem, slug string, want any) bool {
	if list, ok := want.(*php.Array); ok {
		for _, w := range list.Values() {
			if matchesFilter(s, it, slug, w) {
				return true
			}
		}
		return false
	}
	have, present := it.Data[slug]
	f, known := s.field(slug)
	if !known || !present || have == nil || want == nil {
		return (!present || have == nil) && want == nil
	}
	switch f.Type {
	case "number":
		w, ok := platform.Input{"v": want}.Float("v")
		h, _ := have.(float64)
		return ok && w == h
	case "bool":
		return platform.Truthy(want) == platform.Truthy(have)
	case "date", "contact", "bot":
		w, ok := platform.Integer(want)
		h, _ := platform.Integer(have)
		return ok && w == h
	}
	return platform.Text(want) == platform.Text(have)
}

// sortItems orders items by "field" or "field,direction". As the document
// store's query builder does, "asc" (any case) sorts ascending and any
// other direction descending; without order_by items keep the order they
// were added in. Values of different types sort null, numbers, text, booleans.
func sortItems(s listSchema, items []listItem, orderBy string) {
	field, dir, _ := strings.Cut(orderBy, ",")
	field = strings.TrimSpace(field)
	if field == "" {
		return
	}
	desc := dir != "" && !strings.EqualFold(strings.TrimSpace(dir), "asc")
	key := func(it listItem) any {
		switch field {
		case "id":
			return it.ID
		case "created_at":
			return float64(it.CreatedAt)
		case "updated_at":
			return float64(it.UpdatedAt)
		}
		return it.Data[field]
	}
	sort.SliceStable(items, func(a, b int) bool {
		c := compareValues(key(items[a]), key(items[b]))
		if desc {
			return c > 0
		}
		return c < 0
	})
}

// compareValues orders two stored values, by type first.
func compareValues(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case nil:
			return 0
		case float64:
			return 1
		case string:
			return 2
		}
		return 3
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case !x && y:
			return -1
		case x && !y:
			return 1
		}
	}
	return 0
}
