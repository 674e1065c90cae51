package scenario_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/scenario"
)

func TestCallGetMe(t *testing.T) {
	r, _ := newEmulator(t)
	res := run(t, r, `
version: 1
name: the bot answers getMe
tenant: {fixture: demo}
steps:
  - call:
      platform: cleverapp
      operation: getMe
      params: {api_token: "{{tenant.cleverapp.api_token}}"}
      headers: {X-Requested-With: XMLHttpRequest}
    expect:
      status: 200
      body: {data: {name: Демо Магазин, id: {type: integer}, created_at: {regex: "^20"}}}
`)
	requirePassed(t, res)
}

func TestCallFailureExplains(t *testing.T) {
	r, _ := newEmulator(t)
	res := run(t, r, `
version: 1
name: wrong expectations
tenant: {fixture: demo}
steps:
  - call:
      platform: cleverapp
      operation: getMe
      params: {api_token: "{{tenant.cleverapp.api_token}}"}
    expect:
      status: 201
      body: {data: {name: {regex: "^Z"}, nope: 1}}
  - clock: {freeze: true}
`)
	require.Equal(t, scenario.StatusFailed, res.Status)
	step := res.Steps[0]
	require.Equal(t, scenario.StatusFailed, step.Status)
	require.Len(t, step.Diffs, 3)
	require.Equal(t, "status", step.Diffs[0].Path)
	require.Equal(t, "body.data.name", step.Diffs[1].Path)
	require.Equal(t, `"Демо Магазин" does not match /^Z/`, step.Diffs[1].Reason)
	require.Equal(t, "body.data.nope", step.Diffs[2].Path)
	require.True(t, step.Diffs[2].Missing)
	require.Equal(t, scenario.StatusSkipped, res.Steps[1].Status)
}
