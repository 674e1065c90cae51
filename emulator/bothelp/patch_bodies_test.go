package bothelp_test

import (
	"net/http"
	"testing"
)

// A custom fields body is checked whole before the subscriber is looked
// up: a body that is no array, or an instruction without an op or a path,
// is refused even for a subscriber that does not exist.
func TestCustomFieldInstructionsAreCheckedBeforeTheSubscriber(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	for _, tc := range []struct {
		name, golden string
		body         any
	}{
		{"an object", "expected_array_400.golden", map[string]any{"op": "replace", "path": "/Бюджет", "value": "1"}},
		{"no op", "patch_not_recognized_400.golden", patch{{"path": "/Бюджет", "value": "1"}}},
		{"no path", "patch_not_recognized_400.golden", patch{{"op": "replace", "value": "1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertGolden(t, tc.golden, c.call("setCustomFields", http.MethodPatch, "/v1/subscribers/404/customFields", tc.body))
		})
	}
}

// A profile patch is read whole before the subscriber is looked up: an
// instruction without an op or a path is refused even for a subscriber
// that does not exist.
func TestPatchInstructionsWithoutAnOpOrAPathAreRefusedFirst(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	for _, body := range []patch{{{"path": "/name", "value": "Новое"}}, {{"op": "replace", "value": "Новое"}}} {
		assertGolden(t, "patch_not_recognized_400.golden", c.call("updateSubscriber", http.MethodPatch, "/v1/subscribers/404", body))
	}
}
