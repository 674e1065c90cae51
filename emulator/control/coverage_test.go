package control_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/control"
	"github.com/fakebots/fakebots/emulator/spec"
)

var coverageRows = []control.CoverageRow{
	{"alpha", "send", "POST", "/send", "documented", "docs | page 3"},
	{"alpha", "list", "GET", "/list", "observed", "capture"},
	{"alpha", "drop", "DELETE", "/drop", "inferred", ""},
	{"alpha", "edit", "PUT", "/edit", "documented", "docs"},
	{"beta", "ping", "GET", "/ping", "observed", "capture"},
}

const coverageSummary = `| platform | operations | documented | observed | inferred |
|---|---|---|---|---|
| alpha | 4 | 2 | 1 | 1 |
| beta | 1 | 0 | 1 | 0 |
`

const coverageOperations = `
| platform | operation | method | path | fidelity | source |
|---|---|---|---|---|---|
| alpha | send | POST | ` + "`/send`" + ` | documented | docs \| page 3 |
| alpha | list | GET | ` + "`/list`" + ` | observed | capture |
| alpha | drop | DELETE | ` + "`/drop`" + ` | inferred |  |
| alpha | edit | PUT | ` + "`/edit`" + ` | documented | docs |
| beta | ping | GET | ` + "`/ping`" + ` | observed | capture |
`

func TestTheCoverageDocumentCountsAndListsEveryOperation(t *testing.T) {
	require.Equal(t, coverageSummary, control.CoverageSummary(coverageRows))
	require.Equal(t, coverageSummary+coverageOperations, control.CoverageMarkdown(coverageRows, nil))
}

func TestTheCoverageDocumentListsTheTenantSettings(t *testing.T) {
	settings := []control.SettingRow{{Platform: "beta", Setting: spec.Setting{
		Name: "paging", Default: "cursor", Others: []string{"offset", "page"}, Fidelity: "observed", Source: "capture | 2",
	}}}
	require.Equal(t, coverageSummary+coverageOperations+`
Tenant settings switch between readings of the evidence (control API: `+"`/__fakebots/tenants/{tenant}/{platform}/settings`"+`, or the fixture):

| platform | setting | default | other values | default's fidelity | source |
|---|---|---|---|---|---|
| beta | `+"`paging` | `cursor` | `offset`, `page`"+` | observed | capture \| 2 |
`, control.CoverageMarkdown(coverageRows, settings))
}
