package control

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
)

// CoverageRow is one operation of the coverage table.
type CoverageRow struct {
	Platform  string `json:"platform"`
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Fidelity  string `json:"fidelity"`
	Source    string `json:"source"`
}

// Coverage lists every emulated operation with its fidelity, from the specs.
func Coverage(platforms []platform.Platform) []CoverageRow {
	var rows []CoverageRow
	for _, p := range platforms {
		for _, op := range p.Spec().Operations {
			rows = append(rows, CoverageRow{p.Name(), op.ID, op.Method, op.Path, op.Fidelity, op.Source})
		}
	}
	return rows
}

// CoverageMarkdown renders the coverage table as the README shows it.
func CoverageMarkdown(rows []CoverageRow) string {
	var b strings.Builder
	counts := map[string]map[string]int{}
	var order []string
	for _, r := range rows {
		if counts[r.Platform] == nil {
			counts[r.Platform] = map[string]int{}
			order = append(order, r.Platform)
		}
		counts[r.Platform][r.Fidelity]++
	}
	b.WriteString("| platform | operations | documented | observed | inferred |\n|---|---|---|---|---|\n")
	for _, p := range order {
		c := counts[p]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", p, c["documented"]+c["observed"]+c["inferred"], c["documented"], c["observed"], c["inferred"])
	}
	b.WriteString("\n| platform | operation | method | path | fidelity | source |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | `%s` | %s | %s |\n", r.Platform, r.Operation, r.Method, r.Path, r.Fidelity, strings.ReplaceAll(r.Source, "|", "\\|"))
	}
	return b.String()
}

// coverage answers the table as JSON rows, or with ?format=markdown as the
// Markdown document itself.
func (a *API) coverage(r *http.Request) (int, any, error) {
	rows := Coverage(a.cfg.Platforms)
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		return http.StatusOK, map[string]any{"data": rows}, nil
	case "markdown":
		return http.StatusOK, document{contentType: "text/markdown; charset=utf-8", body: []byte(CoverageMarkdown(rows))}, nil
	default:
		return 0, nil, platform.BadControlRequest("format must be json or markdown, not %q", format)
	}
}
