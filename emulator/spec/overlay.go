package spec

import (
	"fmt"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/fakebots/fakebots/specs"
)

// Served is a platform's document as the emulator serves it: its file in
// specs/, laid over the platform it names in x-overlay-of when it is a
// white-label of another. Documents are constants: each is built once.
func Served(name string) ([]byte, error) { return shipped.served(name) }

// documents builds served documents from the files read returns, each once.
type documents struct {
	read  func(name string) ([]byte, error)
	built sync.Map // platform name → func() ([]byte, error)
}

var shipped = &documents{read: specs.Platform}

func (d *documents) served(name string) ([]byte, error) {
	build, _ := d.built.LoadOrStore(name, sync.OnceValues(func() ([]byte, error) {
		raw, err := d.read(name)
		if err != nil {
			return nil, err
		}
		var head struct {
			Base string `yaml:"x-overlay-of"`
		}
		if err := yaml.Unmarshal(raw, &head); err != nil {
			return nil, fmt.Errorf("spec %s: %w", name, err)
		}
		if head.Base == "" {
			return raw, nil
		}
		base, err := d.served(head.Base)
		if err != nil {
			return nil, err
		}
		return Overlay(base, raw)
	}))
	return build.(func() ([]byte, error))()
}

// LoadServed loads the document Served gives.
func LoadServed(name string) (*Spec, error) {
	raw, err := Served(name)
	if err != nil {
		return nil, err
	}
	return Load(name, raw)
}

// Overlay builds a white-label's document from its base platform's: the
// overlay's top-level keys replace or deep-merge into the base's (info,
// servers, x-rate-limits ...), x-operation-defaults is merged into every
// operation, then x-operations.{operationId} into that one. A white-label
// thus states only how it differs, and serves the full result.
func Overlay(base, overlay []byte) ([]byte, error) {
	var b, o map[string]any
	if err := yaml.Unmarshal(base, &b); err != nil {
		return nil, fmt.Errorf("overlay base: %w", err)
	}
	if err := yaml.Unmarshal(overlay, &o); err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	defaults, _ := o["x-operation-defaults"].(map[string]any)
	perOp, _ := o["x-operations"].(map[string]any)
	delete(o, "x-operation-defaults")
	delete(o, "x-operations")
	delete(o, "x-overlay-of")
	merge(b, o)
	seen := map[string]bool{}
	paths, _ := b["paths"].(map[string]any)
	for _, item := range paths {
		methods, _ := item.(map[string]any)
		for _, op := range methods {
			opMap, ok := op.(map[string]any)
			if !ok {
				continue
			}
			merge(opMap, defaults)
			id, _ := opMap["operationId"].(string)
			if patch, ok := perOp[id].(map[string]any); ok {
				merge(opMap, patch)
				seen[id] = true
			}
		}
	}
	for id := range perOp {
		if !seen[id] {
			return nil, fmt.Errorf("overlay: x-operations names unknown operation %q", id)
		}
	}
	return yaml.Marshal(b)
}

// merge deep-merges src into dst. Maps and lists from src are copied, so
// defaults merged into many operations never share a map a later patch of
// one operation could change for all.
func merge(dst, src map[string]any) {
	for k, v := range src {
		if sv, ok := v.(map[string]any); ok {
			if dv, ok := dst[k].(map[string]any); ok {
				merge(dv, sv)
				continue
			}
		}
		dst[k] = deepCopy(v)
	}
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}
