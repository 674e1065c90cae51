package scenario_test

import (
	"bytes"
	"context"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/scenario"
)

// requireFailedAt checks that step i (from 0) failed with msg, the earlier
// ones passed and the later ones were skipped; it returns the failed step.
func requireFailedAt(t *testing.T, res scenario.Result, i int, msg string) scenario.StepResult {
	t.Helper()
	require.Equal(t, scenario.StatusFailed, res.Status)
	for j, s := range res.Steps {
		switch {
		case j < i:
			require.Equal(t, scenario.StatusPassed, s.Status, "step %d: %s", j+1, s.Text())
		case j == i:
			require.Equal(t, scenario.StatusFailed, s.Status, "step %d", j+1)
			require.Equal(t, msg, s.Message)
		default:
			require.Equal(t, scenario.StatusSkipped, s.Status, "step %d", j+1)
		}
	}
	return res.Steps[i]
}

// stepwise runs a scenario step by step, calling between(i) before step i:
// the test plays the system under test there.
func stepwise(t *testing.T, r *scenario.Runner, src string, between func(tenant string, i int)) scenario.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sc := parse(t, src)
	run, err := r.Start(ctx, sc)
	require.NoError(t, err)
	for i := range sc.Steps {
		between(run.Result().Tenant, i)
		run.Step(ctx, i)
	}
	return run.Close(ctx)
}

// salebotCall is the system under test calling Salebot through the tenant's
// base URL.
func salebotCall(t *testing.T, r *scenario.Runner, tenant, action, body string) {
	t.Helper()
	resp, err := r.Client.Post(r.BaseURL+"/t/"+tenant+"/salebot/api/d3f31dabef80ddeb73d43938b4ef8bb0/"+action, "application/json", bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestControlStepsCaptureAndExpect(t *testing.T) {
	r, _ := newEmulator(t)
	requirePassed(t, run(t, r, `
version: 1
name: control
tenant: demo
steps:
  - control: {method: PATCH, path: salebot/settings, body: {auto_order: false}}
    expect: {status: 200, body: {auto_order: false}}
    capture: {auto: body.auto_order, type: headers.content-type}
  - control: {path: salebot/settings}
    expect: {body: {auto_order: "{{auto}}"}, headers: {content-type: "{{type}}"}}
`))
	res := run(t, r, `
version: 1
name: control
tenant: demo
steps:
  - control: {path: salebot/nothing-here}
  - clock: {freeze: true}
`)
	step := requireFailedAt(t, res, 0, "the answer (404) differs: status: expected a 2xx status, got 404")
	require.Contains(t, step.Detail, `answer: {"error":"no control endpoint at /__fakebots/tenants/`)
}

func TestExpectCallsAndNothingElse(t *testing.T) {
	r, _ := newEmulator(t)
	src := `
version: 1
name: calls of the system under test
tenant: demo
steps:
  - clock: {freeze: true}
  - expect_calls: {platform: salebot, operation: message, params: {client_id: 21087377, message: {contains: Спасибо}}, times: 1}
  - expect_calls: {platform: salebot, operation: get_clients, at_most: 0}
  - expect_no_other_calls: {}
`
	res := stepwise(t, r, src, func(tenant string, i int) {
		if i == 1 {
			go salebotCall(t, r, tenant, "message", `{"client_id": 21087377, "message": "Спасибо!"}`) // arrives while the step waits
		}
	})
	requirePassed(t, res)

	res = stepwise(t, r, src, func(tenant string, i int) {
		if i == 1 {
			salebotCall(t, r, tenant, "message", `{"client_id": 21087377, "message": "Спасибо!"}`)
			salebotCall(t, r, tenant, "connected_channels", `{}`)
		}
	})
	step := requireFailedAt(t, res, 3, "the system under test made 1 call no expect_calls step accounted for")
	require.Regexp(t, `^unexpected calls:\n  #\d+ POST /t/[^/]+/salebot/api/d3f31dabef80ddeb73d43938b4ef8bb0/connected_channels \(salebot connected_channels_post\) → 200$`, step.Detail)

	res = stepwise(t, r, src, func(tenant string, i int) {
		if i == 1 {
			salebotCall(t, r, tenant, "message", `{"client_id": 21087377, "message": "Спасибо!"}`)
			salebotCall(t, r, tenant, "message", `{"client_id": 21087377, "message": "Спасибо ещё раз!"}`)
		}
	})
	step = requireFailedAt(t, res, 1, "expected exactly 1 matching call of salebot message from the system under test, got 2")
	require.Regexp(t, `^the matching calls:\n  #\d+ POST .*/message \(salebot message\) → 200\n  #\d+ POST .*/message \(salebot message\) → 200$`, step.Detail)
}

// A wait on the tenant's clock moves it: a reminder scheduled two hours
// ahead is delivered, and the check sees it.
func TestOutboxOnTheTenantsClock(t *testing.T) {
	r, _ := newEmulator(t)
	src := `
version: 1
name: outbox
tenant: demo
steps:
  - clock: {freeze: true}
  - call: {platform: salebot, operation: message, params: {api_key: "{{tenant.salebot.api_key}}", client_id: 21087377, message: Напоминание, time_shift: 7200}}
  - expect_outbox: {platform: salebot, message: {recipient: "21087377", text: Напоминание, status: scheduled}, times: 1}
  - expect_outbox: {platform: salebot, message: {text: Напоминание, status: delivered}, within: 2h, clock: tenant, tick: 1h}
  - expect_state: {control: clock, body: {frozen: true}}
  - expect_outbox: {platform: salebot, message: {text: Другое}, within: 10ms}
`
	res := run(t, r, src)
	step := requireFailedAt(t, res, 5, "expected at least 1 matching outbox messages, got 0")
	require.Len(t, step.NearMisses, 1)
	require.Equal(t, `text: expected "Другое", got "Напоминание"`, step.NearMisses[0].Diffs[0].String())
	require.Regexp(t, `^#\d+ salebot message to 21087377 \(delivered\): "Напоминание"$`, step.NearMisses[0].Summary)
}

func TestExpectStateReadsAndRetries(t *testing.T) {
	r, _ := newEmulator(t)
	res := run(t, r, `
version: 1
name: state
tenant: demo
steps:
  - expect_state:
      call: {platform: cleverapp, operation: getMe, params: {api_token: "{{tenant.cleverapp.api_token}}"}}
      body: {data: {name: Демо Магазин}}
  - expect_state: {control: salebot/settings, body: {auto_order: false}, within: 50ms}
`)
	step := requireFailedAt(t, res, 1, "the answer (200) differs: body.auto_order: expected false, got true")
	require.GreaterOrEqual(t, step.DurationMS, 50.0, "it retried for the whole wait")
}

func TestClockSteps(t *testing.T) {
	r, _ := newEmulator(t)
	requirePassed(t, run(t, r, `
version: 1
name: clock
tenant: demo
steps:
  - clock: {set: "2026-03-01T10:00:00+03:00", freeze: true}
  - expect_state: {control: clock, body: {now: "2026-03-01T10:00:00+03:00", frozen: true}}
  - clock: {advance: 90m}
  - expect_state: {control: clock, body: {now: "2026-03-01T11:30:00+03:00"}}
  - clock: {resume: true}
  - expect_state: {control: clock, body: {frozen: false}}
  - clock: {freeze: true}
  - expect_state: {control: clock, body: {frozen: true}}
  - clock: {reset: true}
  - expect_state: {control: clock, body: {now: {regex: "^20"}, frozen: false}}
`))
}

func TestFaultsLimitsAndExhaust(t *testing.T) {
	r, _ := newEmulator(t)
	getMe := `{platform: cleverapp, operation: getMe, params: {api_token: "{{tenant.cleverapp.api_token}}"}}`
	requirePassed(t, run(t, r, `
version: 1
name: faults
tenant: demo
steps:
  - fault: {platform: cleverapp, operation: getMe, count: 1, status: 503, body: {error: down}, headers: {Retry-After: "7"}}
  - call: `+getMe+`
    expect: {status: 503, body: {error: down}, headers: {Retry-After: "7"}}
  - call: `+getMe+`
    expect: {status: 200}
  - exhaust: {call: `+getMe+`, max: 10}
  - call: `+getMe+`
    expect: {status: 429}
`))
	res := run(t, r, `
version: 1
name: no limits
tenant: demo
steps:
  - rate_limits: {enabled: false}
  - exhaust: {call: `+getMe+`, max: 10}
`)
	step := requireFailedAt(t, res, 1, "10 calls and no 429: the limit was not reached")
	require.Contains(t, step.Detail, "last answer (200): ")
}

// The built-in receiver records what the platforms send it: Salebot's
// webhook here, checked through Salebot's delivery log and through what
// the receiver got.
func TestWebhooksReachTheReceiver(t *testing.T) {
	r, _ := newEmulator(t)
	src := `
version: 1
name: webhooks
tenant: demo
steps:
  - webhook: {platform: salebot, url: "{{receiver.url}}/hooks/salebot"}
  - control: {path: salebot/inbound, body: {platform_id: "777001", name: Анна, text: Хочу платье}}
    capture: {client: body.client_id}
  - expect_webhooks: {platform: salebot, delivery: {status: 200, payload: {message: Хочу платье}}, times: 1}
  - expect_received:
      request: {method: POST, path: /hooks/salebot, status: 200, headers: {Content-Type: {contains: json}}, body: {is_input: 1, client: {id: "{{client}}"}}, params: {message: Хочу платье}}
      times: 1
  - expect_received: {request: {body: {message: Хочу брюки}}, within: 20ms}
`
	res := run(t, r, src)
	step := requireFailedAt(t, res, 4, "expected at least 1 matching requests to the receiver, got 0")
	require.Len(t, step.NearMisses, 1)
	require.Equal(t, `body.message: expected "Хочу брюки", got "Хочу платье"`, step.NearMisses[0].Diffs[0].String())
	require.Regexp(t, `^#1 POST /hooks/salebot → 200: \{`, step.NearMisses[0].Summary)

	res = run(t, r, `
version: 1
name: webhooks elsewhere
tenant: demo
steps:
  - expect_webhooks: {platform: cleverapp}
`)
	requireFailedAt(t, res, 0, "cleverapp keeps no webhook delivery log to check; expect_received checks what the receiver got from any platform")
}

// With a system under test the receiver passes each request on to it and
// records its answer: here a server that takes no POST (501), which
// Salebot's delivery log sees too.
func TestReceiverPassesRequestsToTheSystemUnderTest(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the system under test is its http.server")
	}
	r, _ := newEmulator(t)
	r.Exec = &scenario.Exec{Command: `exec python3 -m http.server --bind 127.0.0.1 "$PORT"`}
	requirePassed(t, run(t, r, `
version: 1
name: webhooks to the system under test
tenant: demo
steps:
  - webhook: {platform: salebot, url: "{{receiver.url}}/hook", options: {retries: 0}}
  - control: {path: salebot/inbound, body: {platform_id: "777001", text: Привет}}
  - expect_webhooks: {platform: salebot, delivery: {status: 501}, times: 1}
  - expect_received: {request: {method: POST, path: /hook, status: 501, body: {message: Привет}}, times: 1}
`))
}
