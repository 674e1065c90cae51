package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/control"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/https"
	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/emulator/version"
	"github.com/fakebots/fakebots/fixtures"
	"github.com/fakebots/fakebots/specs"
)

func newServer(t *testing.T, opts ...emulator.Option) *fakebotstest.Server {
	t.Helper()
	// The engine's own tests watch its clock follow the machine's.
	return fakebotstest.NewServer(t, fakebotstest.WithRealTime(), fakebotstest.WithEmulatorOptions(opts...))
}

func TestHealth(t *testing.T) {
	s := newServer(t)
	r := s.Do(t, http.MethodGet, "/__fakebots/health", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	var body struct {
		Status    string
		Platforms []string
		Now       time.Time
		Version   string
	}
	r.JSON(t, &body)
	require.Equal(t, "ok", body.Status)
	require.Contains(t, body.Platforms, "cleverapp")
	require.Contains(t, body.Platforms, "onebot")
	require.WithinDuration(t, time.Now(), body.Now, time.Minute)
	require.Equal(t, version.Devel, body.Version, "a test binary records no version of fakebots")
}

func TestTenantLifecycle(t *testing.T) {
	s := newServer(t, emulator.WithRateLimits(false))
	created := s.Do(t, http.MethodPost, "/__fakebots/tenants", map[string]any{"id": "acme"})
	require.Equal(t, http.StatusCreated, created.Status, string(created.Body))
	var info struct {
		ID        string
		CleverApp struct {
			APIToken string `json:"api_token"`
			BotID    int64  `json:"bot_id"`
		} `json:"cleverapp"`
	}
	created.JSON(t, &info)
	require.Equal(t, "acme", info.ID)
	require.NotEmpty(t, info.CleverApp.APIToken)
	require.NotZero(t, info.CleverApp.BotID)
	require.True(t, strings.HasPrefix(string(created.Body), `{"id":"acme","cleverapp":{"api_token":`), string(created.Body))

	again := s.Do(t, http.MethodGet, "/__fakebots/tenants/acme", nil)
	require.Equal(t, http.StatusOK, again.Status)
	require.JSONEq(t, string(created.Body), string(again.Body), "GET re-derives the same credentials")

	dup := s.Do(t, http.MethodPost, "/__fakebots/tenants", map[string]any{"id": "acme"})
	require.Equal(t, http.StatusConflict, dup.Status)
	require.JSONEq(t, `{"error":"tenant \"acme\" already exists"}`, string(dup.Body))

	// Write some state, reset, and the state is gone but the credentials stay.
	token := info.CleverApp.APIToken
	contact := s.Do(t, http.MethodPost, "/cleverapp/api/v1/createOrUpdateContact?api_token="+token,
		map[string]any{"bot_id": info.CleverApp.BotID, "messenger": "whatsapp", "name": "Иван", "phone": "79991234567"},
		"Accept", "application/json")
	require.Equal(t, http.StatusOK, contact.Status, string(contact.Body))
	require.Equal(t, 1, countContacts(t, s, token))

	reset := s.Do(t, http.MethodPost, "/__fakebots/tenants/acme/reset", nil)
	require.Equal(t, http.StatusOK, reset.Status)
	require.JSONEq(t, string(created.Body), string(reset.Body), "reset keeps credentials and bot ids")
	require.JSONEq(t, string(created.Body), string(s.Do(t, http.MethodGet, "/__fakebots/tenants/acme", nil).Body), "and answers with them after")
	require.Equal(t, 0, countContacts(t, s, token))

	list := s.Do(t, http.MethodGet, "/__fakebots/tenants", nil)
	require.Contains(t, string(list.Body), `"id":"acme"`)

	require.Equal(t, http.StatusNoContent, s.Do(t, http.MethodDelete, "/__fakebots/tenants/acme", nil).Status)
	require.Equal(t, http.StatusNotFound, s.Do(t, http.MethodDelete, "/__fakebots/tenants/acme", nil).Status)
	gone := s.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+token, nil, "Accept", "application/json")
	require.Equal(t, http.StatusUnauthorized, gone.Status, "a deleted tenant's token no longer works")
}

func countContacts(t *testing.T, s *fakebotstest.Server, token string) int {
	t.Helper()
	r := s.Do(t, http.MethodGet, "/cleverapp/api/v1/getContacts?api_token="+token, nil, "Accept", "application/json")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var page struct{ Meta struct{ Total int } }
	r.JSON(t, &page)
	return page.Meta.Total
}

func TestCreateTenantFromFixtures(t *testing.T) {
	s := newServer(t)
	cases := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"named", `{"fixture":"demo"}`, http.StatusCreated, `"name":"Магазин в Telegram"`},
		{"inline", `{"fixture":{"cleverapp":{"plan":"free","bots":[{"name":"Inline","messenger":"vk"}]}}}`, http.StatusCreated, `"plan":"free"`},
		{"unknown fixture", `{"fixture":"nope"}`, http.StatusBadRequest, `unknown fixture \"nope\"`},
		{"unknown section", `{"fixture":{"telegram":{}}}`, http.StatusBadRequest, `unknown section \"telegram\"`},
		{"bad section", `{"fixture":{"cleverapp":{"plan":"gold"}}}`, http.StatusBadRequest, `plan must be`},
		{"unknown field", `{"fixtures":"demo"}`, http.StatusBadRequest, `unknown field`},
		{"refused with an id of its own", `{"fixture":{"id":"gold","cleverapp":{"plan":"gold"}}}`, http.StatusBadRequest, `plan must be`},
		{"a key twice", `{"fixture":{"cleverapp":{},"cleverapp":{}}}`, http.StatusBadRequest, `fixture: yaml: `},
		{"not JSON", `{"fixture":`, http.StatusBadRequest, `invalid JSON body`},
		{"bad id", `{"id":"no spaces"}`, http.StatusBadRequest, `tenant id must match`},
		{"fixture of wrong type", `{"fixture":12}`, http.StatusBadRequest, `fixture must be a fixture name or an object`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.Do(t, http.MethodPost, "/__fakebots/tenants", tc.body, "Content-Type", "application/json")
			require.Equal(t, tc.status, r.Status, string(r.Body))
			require.Contains(t, string(r.Body), tc.want)
		})
	}
}

func TestDemoFixtureTwiceGetsFreshCredentials(t *testing.T) {
	s := newServer(t, emulator.WithSeed("demo"))
	demo := s.Do(t, http.MethodGet, "/__fakebots/tenants/demo", nil)
	require.Equal(t, http.StatusOK, demo.Status)
	require.Contains(t, string(demo.Body), `"api_token":"demo-cleverapp-token"`)

	second := s.Do(t, http.MethodPost, "/__fakebots/tenants", `{"fixture":"demo"}`)
	require.Equal(t, http.StatusCreated, second.Status, string(second.Body))
	require.NotContains(t, string(second.Body), `"id":"demo"`)
	require.NotContains(t, string(second.Body), `demo-cleverapp-token`)
	require.Contains(t, string(second.Body), `"name":"Магазин в Telegram"`)
}

func TestWholeReset(t *testing.T) {
	s := newServer(t, emulator.WithSeed("demo"))
	require.Equal(t, http.StatusCreated, s.Do(t, http.MethodPost, "/__fakebots/tenants", `{"id":"extra"}`).Status)
	globalClock(t, s, "/set", map[string]any{"now": time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), "freeze": true})

	r := s.Do(t, http.MethodPost, "/__fakebots/reset", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.JSONEq(t, `{"reset":true,"seed_tenant":"demo"}`, string(r.Body))
	require.Equal(t, http.StatusNotFound, s.Do(t, http.MethodGet, "/__fakebots/tenants/extra", nil).Status)
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodGet, "/__fakebots/tenants/demo", nil).Status)
	clock := globalClock(t, s, "", nil)
	require.False(t, clock.Frozen)
	require.WithinDuration(t, time.Now(), clock.Now, time.Minute)
}

// globalClock calls the emulator-wide clock endpoint /__fakebots/clock+action
// (GET without one).
func globalClock(t *testing.T, s *fakebotstest.Server, action string, body any) fakebotstest.ClockState {
	t.Helper()
	method := http.MethodPost
	if action == "" {
		method = http.MethodGet
	}
	var state fakebotstest.ClockState
	require.NoError(t, s.Control.Call(context.Background(), method, "/clock"+action, body, &state))
	return state
}

func TestClockControl(t *testing.T) {
	s := newServer(t)
	frozen := globalClock(t, s, "/freeze", nil)
	require.True(t, frozen.Frozen)
	advanced := globalClock(t, s, "/advance", map[string]string{"by": "90s"})
	require.Equal(t, frozen.Now.Add(90*time.Second), advanced.Now)
	at := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	set := globalClock(t, s, "/set", map[string]any{"now": at})
	require.True(t, set.Now.Equal(at))
	require.True(t, set.Frozen, "set keeps the clock frozen")

	bySeconds := s.Do(t, http.MethodPost, "/__fakebots/clock/advance", `{"seconds": 1.5}`)
	require.Equal(t, http.StatusOK, bySeconds.Status)
	require.Contains(t, string(bySeconds.Body), `"now":"2031-05-06T07:08:10.5Z"`)

	for _, bad := range []string{`{}`, `{"by":"soon"}`, `{"by":"-5s"}`, `{"seconds":"x"}`} {
		r := s.Do(t, http.MethodPost, "/__fakebots/clock/advance", bad)
		require.Equal(t, http.StatusBadRequest, r.Status, bad)
	}
	require.Equal(t, http.StatusBadRequest, s.Do(t, http.MethodPost, "/__fakebots/clock/set", `{}`).Status)
	resumed := s.Do(t, http.MethodPost, "/__fakebots/clock/resume", nil)
	require.Contains(t, string(resumed.Body), `"frozen":false`)
	reset := s.Do(t, http.MethodPost, "/__fakebots/clock/reset", nil)
	var state fakebotstest.ClockState
	reset.JSON(t, &state)
	require.WithinDuration(t, time.Now(), state.Now, time.Minute)
}

func TestRateLimitSwitch(t *testing.T) {
	s := newServer(t)
	require.JSONEq(t, `{"enabled":true}`, string(s.Do(t, http.MethodGet, "/__fakebots/rate-limits", nil).Body))
	require.NoError(t, s.Control.Call(context.Background(), http.MethodPut, "/rate-limits", map[string]bool{"enabled": false}, nil))
	require.JSONEq(t, `{"enabled":false}`, string(s.Do(t, http.MethodGet, "/__fakebots/rate-limits", nil).Body))
	require.Equal(t, http.StatusBadRequest, s.Do(t, http.MethodPut, "/__fakebots/rate-limits", `{}`).Status)
}

func TestControlUnknownPathsAndMethods(t *testing.T) {
	s := newServer(t)
	r := s.Do(t, http.MethodGet, "/__fakebots/nope", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"error":"no control endpoint at /__fakebots/nope"}`, string(r.Body))
	r = s.Do(t, http.MethodPatch, "/__fakebots/health", nil)
	require.Equal(t, http.StatusMethodNotAllowed, r.Status)
	require.JSONEq(t, `{"error":"PATCH is not allowed on /__fakebots/health"}`, string(r.Body))
	r = s.Do(t, http.MethodGet, "/__fakebots/specs/telegram.yaml", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	r = s.Do(t, http.MethodPut, "/__fakebots/tenants/nobody/cleverapp/plan", `{"plan":"free"}`)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"error":"tenant not found"}`, string(r.Body))
}

func TestControlBodyCap(t *testing.T) {
	s := newServer(t, emulator.WithMaxBodyBytes(64))
	r := s.Do(t, http.MethodPost, "/__fakebots/tenants", `{"fixture":{"cleverapp":{"account":{"name":"`+strings.Repeat("x", 100)+`"}}}}`)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status, string(r.Body))
}

// TestControlSpecMatchesRoutes keeps specs/control.yaml and the control
// routes in step: every documented path and method answers with something
// other than the router's "no such endpoint".
func TestControlSpecMatchesRoutes(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(specs.Control)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	e, err := emulator.New(emulator.WithTick(0))
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	// As the command serves it: the HTTPS front answers the CA's path.
	ca, err := https.NewCA()
	require.NoError(t, err)
	served := https.New(e, https.Config{Hosts: e.Hosts(), CA: ca})
	t.Cleanup(func() { served.Close() })
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			concrete := strings.NewReplacer("{tenant}", "nobody", "{platform}", "cleverapp", "{fault}", "f0").Replace(path)
			rec := httptest.NewRecorder()
			served.ServeHTTP(rec, httptest.NewRequest(method, concrete, strings.NewReader(`{}`)))
			require.NotEqual(t, http.StatusMethodNotAllowed, rec.Code, "%s %s", method, path)
			require.NotContains(t, rec.Body.String(), "no control endpoint", "%s %s", method, path)
		}
	}
	// And every route is documented: under its own path, or once for every
	// platform under /tenants/{tenant}/{platform}/….
	routes := e.ControlRoutes()
	require.Greater(t, len(routes), 50)
	for _, route := range routes {
		method, path, _ := strings.Cut(route, " ")
		item := doc.Paths.Value(path)
		for _, p := range e.Platforms() {
			own := "/__fakebots/tenants/{tenant}/" + p.Name() + "/"
			if generic, ok := strings.CutPrefix(path, own); item == nil && ok {
				item = doc.Paths.Value("/__fakebots/tenants/{tenant}/{platform}/" + generic)
			}
		}
		require.NotNil(t, item, "%s is not documented in specs/control.yaml", route)
		require.NotNil(t, item.GetOperation(method), "%s is not documented in specs/control.yaml", route)
	}
}

func TestSpecsAreServed(t *testing.T) {
	s := newServer(t)
	for _, name := range []string{"cleverapp", "onebot"} {
		r := s.Do(t, http.MethodGet, "/__fakebots/specs/"+name+".yaml", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.Equal(t, "application/yaml", r.Header.Get("Content-Type"))
		doc, err := openapi3.NewLoader().LoadFromData(r.Body)
		require.NoError(t, err, name)
		require.NotNil(t, doc.Paths.Find("/api/v1/sendMessage"), name)
	}
	onebot := s.Do(t, http.MethodGet, "/__fakebots/specs/onebot.yaml", nil)
	require.Contains(t, string(onebot.Body), "https://app.onebot.tech")
	require.NotContains(t, string(onebot.Body), "x-fidelity: documented", "Onebot documents no method")
	r := s.Do(t, http.MethodGet, "/__fakebots/openapi.yaml", nil)
	require.Equal(t, specs.Control, r.Body)

	schema := s.Do(t, http.MethodGet, "/__fakebots/schemas/fixture.json", nil)
	require.Equal(t, http.StatusOK, schema.Status)
	require.Equal(t, "application/schema+json", schema.Header.Get("Content-Type"))
	require.Equal(t, fixtures.Schema, schema.Body)
}

func TestCoverageEndpoint(t *testing.T) {
	s := newServer(t)
	var cov struct {
		Data     []control.CoverageRow
		Settings []control.SettingRow
	}
	s.Do(t, http.MethodGet, "/__fakebots/coverage", nil).JSON(t, &cov)
	require.NotEmpty(t, cov.Data)
	seen := map[string]bool{}
	for _, row := range cov.Data {
		require.Contains(t, []string{"documented", "observed", "inferred"}, row.Fidelity, row.Operation)
		require.NotEmpty(t, row.Source, row.Operation)
		seen[row.Platform+"/"+row.Operation] = true
	}
	require.True(t, seen["cleverapp/sendMessage"])
	require.True(t, seen["onebot/sendMessage"])
	md := s.Do(t, http.MethodGet, "/__fakebots/coverage?format=markdown", nil)
	require.Equal(t, http.StatusOK, md.Status)
	require.Equal(t, "text/markdown; charset=utf-8", md.Header.Get("Content-Type"))
	require.Contains(t, cov.Settings, control.SettingRow{Platform: "onebot", Setting: spec.Setting{
		Name: "rate_limits", Default: "documented", Others: []string{"laravel"}, Fidelity: "documented",
		Source: cov.Settings[0].Source,
	}}, "white-labels inherit the settings")
	require.Equal(t, control.CoverageMarkdown(cov.Data, cov.Settings), string(md.Body))
	doc, err := os.ReadFile("../docs/coverage.md")
	require.NoError(t, err)
	_, generated, _ := strings.Cut(string(doc), "<!-- coverage:start -->\n")
	generated, _, _ = strings.Cut(generated, "<!-- coverage:end -->")
	require.Equal(t, generated, string(md.Body), "the served document is docs/coverage.md's")
	bad := s.Do(t, http.MethodGet, "/__fakebots/coverage?format=html", nil)
	require.Equal(t, http.StatusBadRequest, bad.Status)
	require.JSONEq(t, `{"error":"format must be json or markdown, not \"html\""}`, string(bad.Body))
}

// TestTenantAnswerMatchesControlSpec keeps the creation answer and its
// schema in specs/control.yaml in step, for an empty and a demo tenant.
func TestTenantAnswerMatchesControlSpec(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(specs.Control)
	require.NoError(t, err)
	schema := doc.Components.Schemas["TenantInfo"].Value
	s := newServer(t)
	for _, body := range []string{`{}`, `{"fixture":"demo"}`} {
		r := s.Do(t, http.MethodPost, "/__fakebots/tenants", body)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		var v any
		r.JSON(t, &v)
		require.NoError(t, schema.VisitJSON(v), body)
	}
}

// TestEveryOperationHasAHandler: a spec operation without a handler would
// answer every call with the platform's server error.
func TestEveryOperationHasAHandler(t *testing.T) {
	e, err := emulator.New(emulator.WithTick(0))
	require.NoError(t, err)
	defer e.Close()
	for _, p := range e.Platforms() {
		require.NotEmpty(t, p.Spec().Operations, p.Name())
		for _, op := range p.Spec().Operations {
			require.NotNil(t, p.Handler(op.ID), "%s %s", p.Name(), op.ID)
		}
	}
}

func TestSeedFromAFixtureFile(t *testing.T) {
	path := t.TempDir() + "/shop.yaml"
	require.NoError(t, os.WriteFile(path, []byte("id: shop\ncleverapp:\n  api_token: shop-token\n  bots: [{name: Shop, messenger: vk}]\n"), 0o644))
	e, err := emulator.New(emulator.WithSeed(path), emulator.WithTick(0))
	require.NoError(t, err)
	defer e.Close()
	require.Equal(t, "shop", e.SeedTenantID())
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/cleverapp/api/v1/getMe?api_token=shop-token", nil)
	req.Header.Set("Accept", "application/json")
	e.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	head := httptest.NewRecorder()
	req = httptest.NewRequest(http.MethodHead, "/cleverapp/api/v1/getMe?api_token=shop-token", nil)
	req.Header.Set("Accept", "application/json")
	e.ServeHTTP(head, req)
	require.Equal(t, http.StatusOK, head.Code, "HEAD is served by the GET route")
	require.Empty(t, head.Body.String())
	require.Equal(t, rec.Header().Get("Content-Length"), head.Header().Get("Content-Length"))

	_, err = emulator.New(emulator.WithSeed(t.TempDir()+"/missing.yaml"), emulator.WithTick(0))
	require.ErrorContains(t, err, "seed:")
}

// TestConcurrentCreationsFromAFixtureWithAnID: the fixture's id goes to one
// of them; the others get fresh ids instead of a conflict.
func TestConcurrentCreationsFromAFixtureWithAnID(t *testing.T) {
	s := newServer(t)
	ids := make(chan string, 6)
	t.Run("group", func(t *testing.T) {
		for i := 0; i < 6; i++ {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				r := s.Do(t, http.MethodPost, "/__fakebots/tenants", `{"fixture":"demo"}`)
				require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
				var info struct{ ID string }
				r.JSON(t, &info)
				ids <- info.ID
			})
		}
	})
	close(ids)
	got := map[string]bool{}
	for id := range ids {
		got[id] = true
	}
	require.Len(t, got, 6)
	require.True(t, got["demo"], "one of them is the fixture's own")
}
