package scenario_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The user step on every platform: a user appears, writes, blocks and
// unblocks the bot, and the thread shows it all in order.
func TestUserStepOnEveryPlatform(t *testing.T) {
	r, _ := newEmulator(t)
	for _, p := range []struct{ name, messenger string }{
		{"cleverapp", "telegram"}, {"onebot", "telegram"}, {"salebot", "telegram"}, {"bothelp", "telegram"},
	} {
		t.Run(p.name, func(t *testing.T) {
			requirePassed(t, run(t, r, `
version: 1
name: an end user of `+p.name+`
tenant: demo
steps:
  - clock: {freeze: true}
  - user: {platform: `+p.name+`, appears: {name: Анна, messenger: `+p.messenger+`, platform_id: "777001"}}
    expect: {status: 201, body: {id: {type: integer}, name: Анна, messenger: `+p.messenger+`, subscribed: true}}
    capture: {user: body.id}
  - user: {platform: `+p.name+`, id: "{{user}}", writes: Хочу платье, attachments: [{type: image, url: "https://files.example/dress.jpg"}]}
    expect: {status: 201, body: {event: {direction: in, kind: image, text: Хочу платье}}}
  - user: {platform: `+p.name+`, id: "{{user}}", unsubscribes: true}
    expect: {status: 200, body: {id: "{{user}}", subscribed: false}}
  - user: {platform: `+p.name+`, id: "{{user}}", subscribes: true}
    expect: {body: {subscribed: true}}
  - expect_state:
      control: `+p.name+`/users/{{user}}/thread
      body: {data: [{direction: in, kind: image, attachments: [{type: image, url: "https://files.example/dress.jpg"}]}, {kind: unsubscribe}, {kind: subscribe}]}
`))
		})
	}
}

// On Salebot what a user does reaches the project's webhook: the user
// writes, the bot answers with buttons, the user presses one; a button
// that is not there is refused with the platform's reason.
func TestUserStepPressesAButton(t *testing.T) {
	r, _ := newEmulator(t)
	src := `
version: 1
name: a client presses «Да»
tenant: demo
steps:
  - clock: {freeze: true}
  - webhook: {platform: salebot, url: "{{receiver.url}}/salebot"}
  - user: {platform: salebot, appears: {name: Анна, messenger: telegram}}
    capture: {client: body.id}
  - user: {platform: salebot, id: "{{client}}", writes: Хочу платье}
    expect: {status: 201, body: {webhook: true}}
  - call:
      platform: salebot
      operation: message
      params:
        api_key: "{{tenant.salebot.api_key}}"
        client_id: "{{client}}"
        message: Подтвердите заказ
        buttons: {hint: Ответьте, buttons: [{type: reply, text: Да, line: 0, index_in_line: 0}, {type: reply, text: Нет, line: 0, index_in_line: 1}]}
  - user: {platform: salebot, id: "{{client}}", presses: Да}
    expect: {status: 201, body: {event: {kind: button_press, text: Да}, webhook: true}}
  - expect_received:
      request: {path: /salebot, body: {is_input: 1, client: {id: "{{client}}"}, message: {any: true}}}
      times: 2
  - expect_received: {request: {body: {message: Да}}, times: 1}
  - user: {platform: salebot, id: "{{client}}", presses: Может быть}
`
	res := run(t, r, src)
	step := requireFailedAt(t, res, 8, `the answer (404) differs: status: expected a 2xx status, got 404`)
	require.Regexp(t, `^answer: \{"error":"message salebot:outbox:\d+ has no button \\"Может быть\\" \(it has \\"Да\\", \\"Нет\\"\)"\}$`, step.Detail)
}
