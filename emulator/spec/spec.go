// Package spec loads the platforms' OpenAPI documents, the source of truth
// for routes, parameters, validation, rate limits and fidelity. Each
// operation carries x-fidelity (documented | observed | inferred) and
// x-source; platform rules JSON Schema cannot say live in other x- keys that
// the platform packages read through Operation.Extension.
package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fakebots/fakebots/emulator/limits"
)

// Fidelity levels an operation may declare.
var Fidelities = []string{"documented", "observed", "inferred"}

// Spec is one platform's loaded document.
type Spec struct {
	Platform   string
	Raw        []byte // the YAML as embedded, served by the control API
	Doc        *openapi3.T
	Operations []*Operation // sorted by path, then method
	RateLimits []limits.Rule
	// Settings are the tenant settings that switch between readings of the
	// evidence (x-settings), for the coverage table.
	Settings  []Setting
	templates []template                       // in the document's matching order: literals before parameters
	byPath    map[string]map[string]*Operation // path template → method → operation
	derived   sync.Map                         // key → func() (any, error), see Derived
}

// Derived is what build makes of a loaded document, made once per document
// and key: every emulator in a process shares the Spec, and so what a
// platform derives from the document alone (its rules, its tables). Like
// the Spec, the result must be treated as read-only; an error is kept too.
func Derived[T any](s *Spec, key string, build func(*Spec) (T, error)) (T, error) {
	once, _ := s.derived.LoadOrStore(key, sync.OnceValues(func() (any, error) { return build(s) }))
	v, err := once.(func() (any, error))()
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// Setting is a tenant setting where the evidence reads two ways: the
// default reading, the others, and how sure each is.
type Setting struct {
	Name     string   `json:"name"`
	Default  string   `json:"default"`
	Others   []string `json:"others"`
	Fidelity string   `json:"fidelity"` // of the default
	Source   string   `json:"source"`
}

// Operation is one method + path of a platform.
type Operation struct {
	ID         string
	Method     string
	Path       string
	Summary    string
	Fidelity   string
	Source     string
	RateLimits []limits.Rule
	// PageCache (x-page-cache) marks a read whose answer depends only on
	// the tenant's data and the request's parameters: the engine may serve
	// it again while the tenant has written nothing.
	PageCache bool
	Op        *openapi3.Operation
	// Input is the schema the merged request parameters are validated
	// against: the JSON request body's schema, or else an object built from
	// the query parameters. Nil when the operation takes no input.
	Input *openapi3.Schema
}

// Public reports whether the operation needs no credentials (security: []).
func (o *Operation) Public() bool { return o.Op.Security != nil && len(*o.Op.Security) == 0 }

// Extension decodes the operation's x-name extension into v and reports
// whether it was present.
func (o *Operation) Extension(name string, v any) (bool, error) {
	return decodeExtension(o.Op.Extensions, name, v)
}

// loaded caches parsed documents by platform and content: parsing and
// checking a document costs tens of milliseconds, and every emulator in a
// test binary would otherwise pay it again for the same embedded bytes.
// Comparing the bytes finds a document at once (the same embedded slice)
// where hashing them took a tenth of a new emulator's time.
var (
	loadedMu sync.Mutex
	loaded   = map[string][]*Spec{} // platform → the documents loaded for it
)

// Load parses and checks a platform's document. The Spec is shared by every
// caller that loads the same bytes and must be treated as read-only.
func Load(platform string, raw []byte) (*Spec, error) {
	if s := cached(platform, raw); s != nil {
		return s, nil
	}
	s, err := load(platform, raw)
	if err != nil {
		return nil, err
	}
	loadedMu.Lock()
	defer loadedMu.Unlock()
	for _, c := range loaded[platform] {
		if bytes.Equal(c.Raw, raw) { // loaded meanwhile: keep the first
			return c, nil
		}
	}
	loaded[platform] = append(loaded[platform], s)
	return s, nil
}

func cached(platform string, raw []byte) *Spec {
	loadedMu.Lock()
	defer loadedMu.Unlock()
	for _, s := range loaded[platform] {
		if bytes.Equal(s.Raw, raw) {
			return s
		}
	}
	return nil
}

func load(platform string, raw []byte) (*Spec, error) {
	js, err := yamlToJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", platform, err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(js)
	if err != nil {
		return nil, fmt.Errorf("spec %s: %w", platform, err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("spec %s: %w", platform, err)
	}
	s := &Spec{Platform: platform, Raw: raw, Doc: doc, byPath: map[string]map[string]*Operation{}}
	if _, err := decodeExtension(doc.Extensions, "x-rate-limits", (*ruleList)(&s.RateLimits)); err != nil {
		return nil, fmt.Errorf("spec %s: x-rate-limits: %w", platform, err)
	}
	if _, err := decodeExtension(doc.Extensions, "x-settings", &s.Settings); err != nil {
		return nil, fmt.Errorf("spec %s: x-settings: %w", platform, err)
	}
	for _, set := range s.Settings {
		if set.Name == "" || set.Default == "" || !slices.Contains(Fidelities, set.Fidelity) || set.Source == "" {
			return nil, fmt.Errorf("spec %s: x-settings: %q needs name, default, fidelity (%s) and source", platform, set.Name, strings.Join(Fidelities, ", "))
		}
	}
	paths := doc.Paths.InMatchingOrder()
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			o, err := newOperation(path, method, item, op)
			if err != nil {
				return nil, fmt.Errorf("spec %s: %s %s: %w", platform, method, path, err)
			}
			s.Operations = append(s.Operations, o)
			if s.byPath[path] == nil {
				t, err := parseTemplate(path)
				if err != nil {
					return nil, fmt.Errorf("spec %s: %w", platform, err)
				}
				s.byPath[path] = map[string]*Operation{}
				s.templates = append(s.templates, t)
			}
			s.byPath[path][method] = o
		}
	}
	sort.Slice(s.Operations, func(a, b int) bool {
		oa, ob := s.Operations[a], s.Operations[b]
		if oa.Path != ob.Path {
			return oa.Path < ob.Path
		}
		return oa.Method < ob.Method
	})
	return s, nil
}

func newOperation(path, method string, item *openapi3.PathItem, op *openapi3.Operation) (*Operation, error) {
	o := &Operation{ID: op.OperationID, Method: method, Path: path, Summary: op.Summary, Op: op}
	if o.ID == "" {
		return nil, fmt.Errorf("operationId is required")
	}
	if _, err := o.Extension("x-fidelity", &o.Fidelity); err != nil {
		return nil, err
	}
	if !contains(Fidelities, o.Fidelity) {
		return nil, fmt.Errorf("x-fidelity must be one of %v, got %q", Fidelities, o.Fidelity)
	}
	if _, err := o.Extension("x-source", &o.Source); err != nil || o.Source == "" {
		return nil, fmt.Errorf("x-source is required")
	}
	if _, err := o.Extension("x-rate-limits", (*ruleList)(&o.RateLimits)); err != nil {
		return nil, fmt.Errorf("x-rate-limits: %w", err)
	}
	if _, err := o.Extension("x-page-cache", &o.PageCache); err != nil {
		return nil, fmt.Errorf("x-page-cache: %w", err)
	}
	o.Input = inputSchema(item, op)
	return o, nil
}

// inputSchema is the JSON body schema when there is one, else an object
// schema made of the query parameters.
func inputSchema(item *openapi3.PathItem, op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		for _, ct := range []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data"} {
			if mt := op.RequestBody.Value.Content.Get(ct); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
				return mt.Schema.Value
			}
		}
	}
	var params openapi3.Parameters
	params = append(params, item.Parameters...)
	params = append(params, op.Parameters...)
	obj := openapi3.NewObjectSchema()
	found := false
	for _, p := range params {
		if p.Value == nil || p.Value.In != openapi3.ParameterInQuery || p.Value.Schema == nil {
			continue
		}
		found = true
		obj.WithPropertyRef(p.Value.Name, p.Value.Schema)
		if p.Value.Required {
			obj.Required = append(obj.Required, p.Value.Name)
		}
	}
	if !found {
		return nil
	}
	return obj
}

// RouteError says why a request matched no operation.
type RouteError struct {
	Method  string
	Path    string
	Allowed []string // set when the path exists but not for Method
}

func (e *RouteError) Error() string {
	if e.Allowed != nil {
		return fmt.Sprintf("%s is not allowed on %s (allowed: %s)", e.Method, e.Path, strings.Join(e.Allowed, ", "))
	}
	return fmt.Sprintf("no route for %s %s", e.Method, e.Path)
}

// NotFound reports whether no path matched at all.
func (e *RouteError) NotFound() bool { return e.Allowed == nil }

// Find matches method and path (the platform's real path) to an operation.
// HEAD is served by the GET operation, as net/http and the platforms do.
func (s *Spec) Find(method, path string) (*Operation, map[string]string, *RouteError) {
	parts := strings.Split(path, "/")
	var ops map[string]*Operation
	var vars map[string]string
	for i := range s.templates {
		if v, ok := s.templates[i].match(parts); ok {
			ops, vars = s.byPath[s.templates[i].path], v
			break
		}
	}
	if ops == nil {
		return nil, nil, &RouteError{Method: method, Path: path}
	}
	if op := ops[method]; op != nil {
		return op, vars, nil
	}
	if op := ops[http.MethodGet]; method == http.MethodHead && op != nil {
		return op, vars, nil
	}
	allowed := make([]string, 0, len(ops))
	for meth := range ops {
		allowed = append(allowed, meth)
	}
	sort.Slice(allowed, func(a, b int) bool { return methodRank(allowed[a]) < methodRank(allowed[b]) })
	return nil, nil, &RouteError{Method: method, Path: path, Allowed: allowed}
}

// Operation returns the operation with id.
func (s *Spec) Operation(id string) *Operation {
	for _, o := range s.Operations {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func methodRank(m string) int {
	for i, x := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		if m == x {
			return i
		}
	}
	return 99
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ruleList decodes x-rate-limits: [{name, limit, window: "1s"}].
type ruleList []limits.Rule

func (r *ruleList) UnmarshalJSON(b []byte) error {
	var raw []struct {
		Name   string `json:"name"`
		Limit  int    `json:"limit"`
		Window string `json:"window"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for _, x := range raw {
		w, err := time.ParseDuration(x.Window)
		if err != nil || w <= 0 || x.Limit <= 0 || x.Name == "" {
			return fmt.Errorf("rule %q: need a name, a positive limit and a window like \"1s\"", x.Name)
		}
		*r = append(*r, limits.Rule{Name: x.Name, Limit: x.Limit, Window: w})
	}
	return nil
}

func decodeExtension(ext map[string]any, name string, v any) (bool, error) {
	raw, ok := ext[name]
	if !ok {
		return false, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return true, err
	}
	return true, json.Unmarshal(b, v)
}
