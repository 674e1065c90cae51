package bothelp

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// patchOp is one instruction of a JSON-Patch body.
type patchOp struct {
	Op    string
	Path  string
	Value any
}

// decodePatch reads a JSON-Patch body: an array of {"op","path","value"}.
// The body already parsed as JSON (Input checked it). An instruction
// without a textual op and path is not recognized.
func decodePatch(body []byte) ([]patchOp, error) {
	var list []any
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, errExpectedArray
	}
	ops := make([]patchOp, len(list))
	for i, x := range list {
		obj, _ := x.(map[string]any)
		op, okOp := obj["op"].(string)
		path, okPath := obj["path"].(string)
		if !okOp || !okPath {
			return nil, errPatchNotRecognized
		}
		ops[i] = patchOp{Op: op, Path: path, Value: obj["value"]}
	}
	return ops, nil
}

// profileFields are the paths `replace` may change (SDK ActionData; name,
// email and phone live-verified).
var profileFields = map[string]func(*subscriber) *string{
	"/name":      func(s *subscriber) *string { return &s.Name },
	"/email":     func(s *subscriber) *string { return &s.Email },
	"/phone":     func(s *subscriber) *string { return &s.Phone },
	"/firstName": func(s *subscriber) *string { return &s.FirstName },
	"/lastName":  func(s *subscriber) *string { return &s.LastName },
	"/notes":     func(s *subscriber) *string { return &s.Notes },
}

// updateSubscriber applies a JSON-Patch to a subscriber, all instructions or
// none: replace of a profile field, add or remove of tags (an array, even
// for one tag; unknown tags are created). Anything else, replace on /tags
// included, is the observed `Patch instruction not recognized`.
func (p *Platform) updateSubscriber(r *platform.Request) (any, error) {
	ops, err := decodePatch(r.Body)
	if err != nil {
		return nil, err
	}
	err = r.Write(func(tx *store.Tx) error {
		id, err := subscriberID(tx, r)
		if err != nil {
			return err
		}
		s, err := loadProfile(tx, r.TenantID(), id)
		if err != nil {
			return err
		}
		for _, op := range ops {
			if err := applyProfileOp(&s, op); err != nil {
				return err
			}
		}
		return saveProfile(tx, r.TenantID(), s, r.Now)
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

func applyProfileOp(s *subscriber, op patchOp) error {
	switch {
	case op.Op == "replace" && profileFields[op.Path] != nil:
		v, ok := text(op.Value)
		if !ok {
			return errExpectedString
		}
		*profileFields[op.Path](s) = v
	case (op.Op == "add" || op.Op == "remove") && op.Path == "/tags":
		tags, ok := textList(op.Value)
		if !ok {
			return errExpectedArray
		}
		for _, tag := range tags {
			i := slices.Index(s.Tags, tag)
			switch {
			case op.Op == "add" && i < 0 && tag != "":
				s.Tags = append(s.Tags, tag)
			case op.Op == "remove" && i >= 0:
				s.Tags = slices.Delete(s.Tags, i, i+1)
			}
		}
	default:
		return errPatchNotRecognized
	}
	return nil
}

// setCustomFields sets custom fields by name: [{"op":"replace",
// "path":"/<name>","value":...}]. The name is the whole path after its
// leading "/" (JSON-Pointer escapes ~1 and ~0 undone), non-ASCII included.
// Fields need not exist beforehand (inferred). Other ops, and paths without
// the leading "/" the SDK always adds, are not recognized (inferred).
func (p *Platform) setCustomFields(r *platform.Request) (any, error) {
	ops, err := decodePatch(r.Body)
	if err != nil {
		return nil, err
	}
	type field struct{ name, value string }
	fields := make([]field, len(ops))
	for i, op := range ops {
		if op.Op != "replace" || len(op.Path) < 2 || op.Path[0] != '/' {
			return nil, errPatchNotRecognized
		}
		v, ok := text(op.Value)
		if !ok {
			return nil, errExpectedString
		}
		fields[i] = field{strings.NewReplacer("~1", "/", "~0", "~").Replace(op.Path[1:]), v}
	}
	return p.writeSubscriber(r, func(tx *store.Tx, s subscriber) error {
		for _, f := range fields {
			if err := setCustomField(tx, r.TenantID(), s.ID, f.name, f.value, r.Now); err != nil {
				return err
			}
		}
		return nil
	})
}

func setCustomField(tx *store.Tx, tenantID string, subscriberID int64, name, value string, now time.Time) error {
	_, err := tx.Exec(`INSERT INTO bh_custom_fields (tenant_id, subscriber_id, name, value, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, subscriber_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		tenantID, subscriberID, name, value, store.Micros(now))
	return err
}

// text is a value as text, as PHP would take it: strings as they are,
// numbers without exponent, null as "". Arrays, objects and booleans are not text.
func text(v any) (string, bool) {
	switch v.(type) {
	case nil:
		return "", true
	case string, float64:
		return platform.Text(v), true
	}
	return "", false
}

// textList is a JSON array of text values.
func textList(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, x := range list {
		if out[i], ok = text(x); !ok || x == nil {
			return nil, false
		}
	}
	return out, true
}

// success is the answer of every write.
var success = struct {
	Success bool `json:"success"`
}{true}
