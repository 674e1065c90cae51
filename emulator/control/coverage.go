package control

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/spec"
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

// SettingRow is one tenant setting of the coverage table: where the
// evidence reads two ways, the default reading and the others.
type SettingRow struct {
	Platform string `json:"platform"`
	spec.Setting
}

// CoverageSettings lists every platform's tenant settings, from the specs.
func CoverageSettings(platforms []platform.Platform) []SettingRow {
	rows := []SettingRow{}
	for _, p := range platforms {
		for _, s := range p.Spec().Settings {
			rows = append(rows, SettingRow{Platform: p.Name(), Setting: s})
		}
	}
	return rows
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

// CoverageSummary is the count of operations per platform and fidelity,
// as a Markdown table.
func CoverageSummary(rows []CoverageRow) string {
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
	return b.String()
}

// CoverageMarkdown renders the whole coverage document: the summary, every
// operation, then the tenant settings.
func CoverageMarkdown(rows []CoverageRow, settings []SettingRow) string {
	var b strings.Builder
	b.WriteString(CoverageSummary(rows))
	b.WriteString("\n| platform | operation | method | path | fidelity | source |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | `%s` | %s | %s |\n", r.Platform, r.Operation, r.Method, r.Path, r.Fidelity, cell(r.Source))
	}
	if len(settings) > 0 {
		b.WriteString("\nTenant settings switch between readings of the evidence (control API: `/__fakebots/tenants/{tenant}/{platform}/settings`, or the fixture):\n\n")
		b.WriteString("| platform | setting | default | other values | default's fidelity | source |\n|---|---|---|---|---|---|\n")
		for _, s := range settings {
			fmt.Fprintf(&b, "| %s | `%s` | `%s` | %s | %s | %s |\n", s.Platform, s.Name, s.Default, quoted(s.Others), s.Fidelity, cell(s.Source))
		}
	}
	return b.String()
}

// cell keeps text inside a Markdown table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func quoted(values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = "`" + v + "`"
	}
	return strings.Join(out, ", ")
}

// coverage answers the table as JSON rows, or with ?format=markdown as the
// Markdown document itself.
func (a *API) coverage(r *http.Request) (int, any, error) {
	rows, settings := Coverage(a.cfg.Platforms), CoverageSettings(a.cfg.Platforms)
	switch format := r.URL.Query().Get("format"); format {
	case "", "json":
		return http.StatusOK, map[string]any{"data": rows, "settings": settings}, nil
	case "markdown":
		return http.StatusOK, document{contentType: "text/markdown; charset=utf-8", body: []byte(CoverageMarkdown(rows, settings))}, nil
	default:
		return 0, nil, platform.BadControlRequest("format must be json or markdown, not %q", format)
	}
}
