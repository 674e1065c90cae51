package scenario

import (
	"net/http"

	"github.com/fakebots/fakebots/scenarios"
)

// SchemaHandler serves the JSON Schema of the format
// (/__fakebots/schemas/scenario.json), for editors and validators.
func SchemaHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/schema+json")
		w.Write(scenarios.Schema)
	})
}
