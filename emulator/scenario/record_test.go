package scenario_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/scenario"
)

// flows drive each platform as a client would; their tenants' journals are
// then recorded and replayed.
var flows = map[string]string{
	"cleverapp": `
  - call: {platform: cleverapp, operation: getMe, params: {api_token: "{{tenant.cleverapp.api_token}}"}}
  - call: {platform: cleverapp, operation: createOrUpdateContact, params: {api_token: "{{tenant.cleverapp.api_token}}", bot_id: "{{tenant.cleverapp.bot_id}}", messenger: telegram, telegram_id: 4242, name: Ольга}}
    capture: {contact: body.data.id}
  - clock: {advance: 1s}
  - call: {platform: cleverapp, operation: setContactVariable, params: {api_token: "{{tenant.cleverapp.api_token}}", contact_id: "{{contact}}", name: Город, value: Тула}}
  - call: {platform: cleverapp, method: GET, path: /api/v1/getContactVariables, query: {api_token: "{{tenant.cleverapp.api_token}}", contact_id: "{{contact}}"}}
`,
	"onebot": `
  - call: {platform: onebot, operation: getMe, params: {api_token: "{{tenant.onebot.api_token}}"}}
  - call: {platform: onebot, operation: getBotTags, params: {api_token: "{{tenant.onebot.api_token}}", bot_id: "{{tenant.onebot.bot_id}}"}}
`,
	"salebot": `
  - call: {platform: salebot, operation: find_client_id_by_platform_id, params: {api_key: "{{tenant.salebot.api_key}}", platform_ids: ["2568652"]}}
    capture: {client: body.0.id}
  - call: {platform: salebot, operation: message, params: {api_key: "{{tenant.salebot.api_key}}", client_id: "{{client}}", message: Привет}}
  - call: {platform: salebot, operation: get_history, params: {api_key: "{{tenant.salebot.api_key}}", client_id: "{{client}}"}}
`,
	"bothelp": `
  - call: {platform: bothelp, operation: getToken, encoding: form, params: {grant_type: client_credentials, client_id: "{{tenant.bothelp.client_id}}", client_secret: "{{tenant.bothelp.client_secret}}"}}
    capture: {token: body.access_token}
  - call: {platform: bothelp, operation: listBots, headers: {Authorization: "Bearer {{token}}"}}
  - call: {platform: bothelp, operation: listSubscribers, params: {email: nobody@example.com}, headers: {Authorization: "Bearer {{token}}"}}
`,
}

func TestRecordThenReplay(t *testing.T) {
	for platform, steps := range flows {
		t.Run(platform, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			original, _ := newEmulator(t)
			original.KeepTenant = true
			res := run(t, original, "version: 1\nname: original\ntenant: demo\nsteps:\n  - clock: {freeze: true}\n"+steps)
			requirePassed(t, res)

			rec := &scenario.Recorder{Client: original.Client, BaseURL: original.BaseURL}
			yaml, err := rec.Record(ctx, res.Tenant)
			require.NoError(t, err)
			sc, err := scenario.Parse("recorded.yaml", yaml)
			require.NoError(t, err, "%s", yaml)
			calls := strings.Count(string(yaml), "- call:")
			require.Equal(t, strings.Count(steps, "- call:"), calls, "%s", yaml)

			fresh, _ := newEmulator(t)
			replay := fresh.Run(ctx, sc, nil)
			requirePassed(t, replay)
		})
	}
}
