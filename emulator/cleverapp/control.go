package cleverapp

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// ControlRoutes are mounted under /__fakebots/tenants/{tenant}/{brand}/:
// the plan, to test a lapsed subscription, the settings, the brand's state
// as tables, and the contacts as end users (platform.AudienceRoutes).
func (p *Platform) ControlRoutes() []platform.ControlRoute {
	return append([]platform.ControlRoute{
		{Method: http.MethodPut, Path: "plan", Summary: "Switch the account between the PRO and a free plan.", Handle: p.setPlan},
		{Method: http.MethodGet, Path: "settings", Summary: "The tenant's choices where the evidence reads two ways.", Handle: p.ctlSettings},
		{Method: http.MethodPatch, Path: "settings", Summary: "Merge a change into the settings.", Handle: p.ctlPatchSettings},
		{Method: http.MethodGet, Path: "bots", Summary: "The bots with their variables, tags and contact counts.", Handle: p.ctlBots},
		{Method: http.MethodGet, Path: "lists", Summary: "The lists with their fields and item counts.", Handle: p.ctlLists},
	}, platform.AudienceRoutes(p)...)
}

func (p *Platform) setPlan(c *platform.ControlRequest) (int, any, error) {
	var body struct {
		Plan string `json:"plan"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil || (body.Plan != PlanPro && body.Plan != PlanFree) {
		return 0, nil, platform.BadControlRequest(`body must be {"plan": "pro"} or {"plan": "free"}`)
	}
	err := c.Write(func(tx *store.Tx) error {
		tx.AuthChanged() // the plan decides whether the token may call
		_, err := tx.Exec(`UPDATE ca_accounts SET plan = ? WHERE tenant_id = ? AND brand = ?`, body.Plan, c.TenantID, p.brand.Name)
		return err
	})
	return http.StatusOK, map[string]string{"plan": body.Plan}, err
}

// CurlExample calls getMe with the tenant's token.
func (p *Platform) CurlExample(baseURL string, credentials json.RawMessage) string {
	var c struct {
		APIToken string `json:"api_token"`
	}
	json.Unmarshal(credentials, &c)
	return fmt.Sprintf("curl -s -H 'X-Requested-With: XMLHttpRequest' '%s/%s/api/v1/getMe?api_token=%s'", baseURL, p.brand.Name, c.APIToken)
}
