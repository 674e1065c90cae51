package cleverapp

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

// orderedKeys lists the keys of the object the client sent under a
// top-level input key, in the order it sent them. Go maps forget order, but
// PHP arrays keep it and the API answers in it (a list schema's fields, for
// one), so it is read back from the raw query string and body. Keys not
// found there come last, sorted.
func orderedKeys(r *platform.Request, key string) []string {
	var present []string
	switch v := r.Input[key].(type) {
	case map[string]any:
		for k := range v {
			present = append(present, k)
		}
	case []any:
		for i := range v {
			present = append(present, strconv.Itoa(i))
		}
	default:
		return nil
	}
	var raw []string
	raw = append(raw, formKeys(r.HTTP.URL.RawQuery, key)...)
	if bytes.HasPrefix(bytes.TrimSpace(r.Body), []byte("{")) {
		raw = append(raw, jsonKeys(r.Body, key)...)
	} else {
		raw = append(raw, formKeys(string(r.Body), key)...)
	}
	want := map[string]bool{}
	for _, k := range present {
		want[k] = true
	}
	var out []string
	for _, k := range raw {
		if want[k] {
			out = append(out, k)
			delete(want, k)
		}
	}
	var rest []string
	for k := range want {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// jsonKeys are the keys of body's top-level key's object value, in order.
func jsonKeys(body []byte, key string) []string {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(top[key]))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := tok.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

// formKeys are the k of key[k]… pairs in a query string or form, in order.
func formKeys(form, key string) []string {
	var keys []string
	for _, pair := range strings.Split(form, "&") {
		name, _, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(name)
		if err != nil || !strings.HasPrefix(name, key+"[") {
			continue
		}
		if k, _, ok := strings.Cut(name[len(key)+1:], "]"); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// expandWildcards turns rules on "fields.*.name" into one rule per key the
// client sent under fields, as Laravel's validator does: the expanded rules
// come after the plain ones, rule by rule, each in the input's key order.
func expandWildcards(rules laravel.Rules, r *platform.Request) laravel.Rules {
	var plain, expanded laravel.Rules
	for _, fr := range rules {
		prefix, suffix, ok := strings.Cut(fr.Field, ".*")
		if !ok {
			plain = append(plain, fr)
			continue
		}
		for _, k := range orderedKeys(r, prefix) {
			expanded = append(expanded, laravel.FieldRules{Field: prefix + "." + k + suffix, Rules: fr.Rules})
		}
	}
	return append(plain, expanded...)
}
