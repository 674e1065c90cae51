package control

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/specs"
)

// document is an answer that is not JSON: a spec, a Markdown table.
type document struct {
	contentType string
	body        []byte
}

// documents mounts the raw documents: the control API's own spec and each
// platform's.
func (a *API) documents() {
	a.handle(adminOnly, "GET", "/openapi.yaml", func(*http.Request) (int, any, error) {
		return http.StatusOK, document{"application/yaml", specs.Control}, nil
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
