package control

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/fixtures"
	"github.com/fakebots/fakebots/specs"
)

// document is an answer that is not JSON: a spec, a Markdown table.
type document struct {
	contentType string
	body        []byte
}

// documents mounts the index and the raw documents: the control API's own
// spec, each platform's, and the JSON Schema of fixtures.
func (a *API) documents() {
	a.mount("GET", Prefix+"/", a.indexOrUI(a.guard(adminOnly, a.adapt(a.index))))
	a.handle(adminOnly, "GET", "/openapi.yaml", func(*http.Request) (int, any, error) {
		return http.StatusOK, document{"application/yaml", specs.Control}, nil
	})
	a.handle(adminOnly, "GET", "/schemas/fixture.json", func(*http.Request) (int, any, error) {
		return http.StatusOK, document{"application/schema+json", fixtures.Schema}, nil
	})
	a.handle(adminOnly, "GET", "/specs/{platform}.yaml", func(r *http.Request) (int, any, error) {
		name := mux.Vars(r)["platform"]
		p := a.byName[name]
		if p == nil {
			return 0, nil, platformNotFound(name, a.names())
		}
		return http.StatusOK, document{"application/yaml", p.Spec().Raw}, nil
	})
}

// index is where a person who opens the control API's address starts: what
// the emulator serves, and where each part of the control API is.
func (a *API) index(*http.Request) (int, any, error) {
	specs := jsonx.Object{}
	for _, p := range a.cfg.Platforms {
		specs = append(specs, jsonx.Field{Key: p.Name(), Value: Prefix + "/specs/" + p.Name() + ".yaml"})
	}
	return http.StatusOK, jsonx.Object{
		{Key: "name", Value: "fakebots"},
		{Key: "description", Value: "Emulated CleverApp, Onebot, Salebot and BotHelp APIs; this is the control API that drives them."},
		{Key: "platforms", Value: a.names()},
		{Key: "links", Value: jsonx.Object{
			{Key: "dashboard", Value: UIPath},
			{Key: "openapi", Value: Prefix + "/openapi.yaml"},
			{Key: "health", Value: Prefix + "/health"},
			{Key: "tenants", Value: Prefix + "/tenants"},
			{Key: "journal", Value: Prefix + "/journal"},
			{Key: "unmatched", Value: Prefix + "/requests/unmatched"},
			{Key: "outbox", Value: Prefix + "/outbox"},
			{Key: "clock", Value: Prefix + "/clock"},
			{Key: "faults", Value: Prefix + "/faults"},
			{Key: "rate_limits", Value: Prefix + "/rate-limits"},
			{Key: "coverage", Value: Prefix + "/coverage?format=markdown"},
			{Key: "fixture_schema", Value: Prefix + "/schemas/fixture.json"},
			{Key: "specs", Value: specs},
		}},
	}, nil
}
