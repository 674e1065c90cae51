// Command prepare sets up what bench/load.sh drives with wrk and hey:
// tenants on a running fakebots and the requests to send them, written as
// files (wrk Lua scripts, request bodies, the answers a trivial handler
// serves again). The shell script keeps to processes and timing; the JSON
// is read here.
//
//	prepare lists  -url URL -out DIR        # list reads: DIR/lists.tsv, DIR/<name>.lua, DIR/<name>.body
//	prepare writes -url URL -tenants 8 -out FILE.lua
//	prepare reads  -url URL -tenants 1000 -out FILE.lua
//	prepare mixed  -url URL -tenants 20 -out FILE.lua
//	prepare bulk   -url URL -clients 5000 -ids 100000 -out DIR
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: prepare lists|writes|reads|mixed|bulk -url URL ..."))
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	base := fs.String("url", "", "the emulator's base URL")
	out := fs.String("out", "", "output file or directory")
	tenants := fs.Int("tenants", 8, "tenants to create")
	clients := fs.Int("clients", 5000, "bulk: clients of the saving tenant")
	ids := fs.Int("ids", 100000, "bulk: client ids in the save")
	size := fs.Int("size", 20, "contacts, clients and subscribers of each tenant")
	fs.Parse(os.Args[2:])
	c := &client{base: strings.TrimRight(*base, "/"), http: &http.Client{Timeout: 5 * time.Minute}, fixture: fixtureOfSize(*size)}
	var err error
	switch os.Args[1] {
	case "lists":
		err = lists(c, *out)
	case "writes":
		err = c.writeScript(*out, *tenants, writeRequests)
	case "reads":
		err = c.writeScript(*out, *tenants, readRequests)
	case "mixed":
		err = c.writeScript(*out, *tenants, mixedRequests)
	case "bulk":
		err = bulk(c, *clients, *ids, *out)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "prepare:", err)
	os.Exit(1)
}

// request is one HTTP request as wrk sends it.
type request struct {
	Name    string
	Method  string
	Path    string
	Headers map[string]string
	Body    string
}

type client struct {
	base    string
	http    *http.Client
	fixture map[string]any // of every tenant the requests go to
}

// do sends r and returns the body of a 2xx answer.
func (c *client) do(r request) ([]byte, error) {
	req, err := http.NewRequest(r.Method, c.base+r.Path, strings.NewReader(r.Body))
	if err != nil {
		return nil, err
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %d %s", r.Method, r.Path, resp.StatusCode, body)
	}
	return body, nil
}

func (c *client) json(r request, v any) error {
	body, err := c.do(r)
	if err != nil {
		return err
	}
	return json.Unmarshal(body, v)
}

func post(path string, body any) request {
	raw, _ := json.Marshal(body)
	return request{Method: http.MethodPost, Path: path, Body: string(raw), Headers: map[string]string{"Content-Type": "application/json", "Accept": "application/json"}}
}

func get(path string, headers ...string) request {
	r := request{Method: http.MethodGet, Path: path, Headers: map[string]string{"Accept": "application/json"}}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Headers[headers[i]] = headers[i+1]
	}
	return r
}

// tenant is what the requests of a tenant need: its credentials and ids.
type tenant struct {
	CleverApp struct {
		APIToken string `json:"api_token"`
		BotID    int64  `json:"bot_id"`
	} `json:"cleverapp"`
	Salebot struct {
		APIKey string `json:"api_key"`
	} `json:"salebot"`
	BotHelp struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	} `json:"bothelp"`
	contact, client, subscriber int64
	bearer                      string
}

// fixtureOfSize gives a tenant something on each platform: n contacts,
// clients and subscribers.
func fixtureOfSize(n int) map[string]any {
	return map[string]any{
		"cleverapp": map[string]any{"bots": []any{map[string]any{"name": "Load", "messenger": "whatsapp", "contacts": n}}},
		"salebot":   map[string]any{"generate": map[string]any{"clients": n}},
		"bothelp":   map[string]any{"generate": map[string]any{"count": n}},
	}
}

// newTenant creates a tenant from fixture and reads the ids its requests use.
func (c *client) newTenant(fixture any) (*tenant, error) {
	var tn tenant
	if err := c.json(post("/__fakebots/tenants", map[string]any{"fixture": fixture}), &tn); err != nil {
		return nil, err
	}
	var contacts struct{ Data []struct{ ID int64 } }
	if err := c.json(get(fmt.Sprintf("/cleverapp/api/v1/getContacts?api_token=%s&bot_id=%d", tn.CleverApp.APIToken, tn.CleverApp.BotID)), &contacts); err != nil {
		return nil, err
	}
	var clients struct{ Clients []struct{ ID int64 } }
	if err := c.json(get("/salebot/api/"+tn.Salebot.APIKey+"/get_clients?limit=1"), &clients); err != nil {
		return nil, err
	}
	var err error
	if tn.bearer, err = c.bearer(tn.BotHelp.ClientID, tn.BotHelp.ClientSecret); err != nil {
		return nil, err
	}
	var subs struct{ Data []struct{ ID int64 } }
	if err := c.json(get("/bothelp/v1/subscribers/?limit=1", "Authorization", "Bearer "+tn.bearer), &subs); err != nil {
		return nil, err
	}
	if len(contacts.Data) == 0 || len(clients.Clients) == 0 || len(subs.Data) == 0 {
		return nil, fmt.Errorf("tenant without contacts, clients or subscribers")
	}
	tn.contact, tn.client, tn.subscriber = contacts.Data[0].ID, clients.Clients[0].ID, subs.Data[0].ID
	return &tn, nil
}

func (c *client) bearer(id, secret string) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	var token struct {
		AccessToken string `json:"access_token"`
	}
	err := c.json(request{Method: http.MethodPost, Path: "/bothelp/oauth2/token", Body: form.Encode(),
		Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, &token)
	return token.AccessToken, err
}

// writeRequests are one-row writes on each platform.
func writeRequests(tn *tenant) []request {
	patch := request{Method: http.MethodPatch, Path: fmt.Sprintf("/bothelp/v1/subscribers/%d", tn.subscriber),
		Body:    `[{"op":"replace","path":"/name","value":"Нагрузка"}]`,
		Headers: map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + tn.bearer}}
	return []request{
		post("/salebot/api/"+tn.Salebot.APIKey+"/save_variables", map[string]any{"client_id": tn.client, "variables": map[string]any{"client.stage": "paid", "sum": 1500}}),
		post("/cleverapp/api/v1/setContactVariable?api_token="+tn.CleverApp.APIToken, map[string]any{"contact_id": tn.contact, "name": "stage", "value": "paid"}),
		patch,
	}
}

// readRequests are list reads on each platform.
func readRequests(tn *tenant) []request {
	return []request{
		get(fmt.Sprintf("/cleverapp/api/v1/getContacts?api_token=%s&bot_id=%d&count=20", tn.CleverApp.APIToken, tn.CleverApp.BotID)),
		get("/salebot/api/" + tn.Salebot.APIKey + "/get_clients?limit=20"),
		get("/bothelp/v1/subscribers/?limit=20", "Authorization", "Bearer "+tn.bearer),
	}
}

// mixedRequests are reads with one write in four.
func mixedRequests(tn *tenant) []request {
	reads, writes := readRequests(tn), writeRequests(tn)
	var out []request
	for i, w := range writes {
		out = append(out, reads[i], reads[(i+1)%len(reads)], reads[(i+2)%len(reads)], w)
	}
	return out
}

// tenantRequests creates n tenants and lists their requests, interleaved
// so that consecutive requests go to different tenants.
func (c *client) tenantRequests(n int, of func(*tenant) []request) ([]request, error) {
	per := make([][]request, n)
	for i := range per {
		tn, err := c.newTenant(c.fixture)
		if err != nil {
			return nil, fmt.Errorf("tenant %d: %w", i, err)
		}
		per[i] = of(tn)
	}
	var out []request
	for k := range per[0] {
		for i := range per {
			out = append(out, per[i][k])
		}
	}
	return out, nil
}

// writeScript creates n tenants and writes a wrk script that sends their
// requests in turn.
func (c *client) writeScript(path string, n int, of func(*tenant) []request) error {
	reqs, err := c.tenantRequests(n, of)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(luaScript(reqs)), 0o644)
}

func luaScript(reqs []request) string {
	var b strings.Builder
	b.WriteString("local specs = {\n")
	for _, r := range reqs {
		fmt.Fprintf(&b, "  {%s, %s, {", lua(r.Method), lua(r.Path))
		for k, v := range r.Headers {
			fmt.Fprintf(&b, "[%s] = %s, ", lua(k), lua(v))
		}
		body := "nil"
		if r.Body != "" {
			body = lua(r.Body)
		}
		fmt.Fprintf(&b, "}, %s},\n", body)
	}
	// Requests are formatted once a thread knows its host; each thread
	// starts at its own place, so threads do not send in step.
	b.WriteString(`}
local requests, i = {}, 0
function init(args)
  for k, s in ipairs(specs) do requests[k] = wrk.format(s[1], s[2], s[3], s[4]) end
  i = math.random(#requests)
end
function request()
  i = i % #requests + 1
  return requests[i]
end
`)
	return b.String()
}

func lua(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// demoSalebot is the demo tenant's Salebot key, fixed by the fixture.
const demoSalebot = "/salebot/api/d3f31dabef80ddeb73d43938b4ef8bb0"

// lists writes one wrk script per list read (and its answer, for the
// trivial handler to serve) and lists.tsv: name, then size in bytes.
func lists(c *client, dir string) error {
	big, err := c.newTenant(map[string]any{"salebot": map[string]any{"generate": map[string]any{"clients": 500, "variables": []string{"city"}}}, "bothelp": map[string]any{"generate": map[string]any{"count": 1}}, "cleverapp": c.fixture["cleverapp"]})
	if err != nil {
		return err
	}
	bearer, err := c.bearer("demo-bothelp-client-id", "demo-bothelp-client-secret")
	if err != nil {
		return err
	}
	var schemas struct {
		Data []struct {
			ID   string
			Name string
		}
	}
	if err := c.json(get("/cleverapp/api/v1/getListSchemas?api_token=demo-cleverapp-token"), &schemas); err != nil {
		return err
	}
	orders := ""
	for _, s := range schemas.Data {
		if s.Name == "Заказы" {
			orders = s.ID
		}
	}
	auth := []string{"Authorization", "Bearer " + bearer}
	reads := []request{
		get("/cleverapp/api/v1/getContacts?api_token=demo-cleverapp-token&count=20"),
		post("/cleverapp/api/v1/getListItems?api_token=demo-cleverapp-token", map[string]any{"schema_id": orders, "limit": 30}),
		get("/salebot/api/" + big.Salebot.APIKey + "/get_clients?limit=100"),
		get("/salebot/api/" + big.Salebot.APIKey + "/get_clients?limit=500"),
		get(demoSalebot + "/get_history?client_id=15099119"),
		get(demoSalebot + "/find_client_id_by_var?var=tg_username&val=%40belik"),
		post(demoSalebot+"/find_clients", map[string]any{"q": map[string]any{"city": "Москва"}}),
		get("/bothelp/v1/subscribers/", auth...),
		get("/bothelp/v1/bots/", auth...),
		get("/bothelp/v1/funnels/", auth...),
	}
	names := []string{"cleverapp-getContacts-20", "cleverapp-getListItems-30", "salebot-get_clients-100", "salebot-get_clients-500",
		"salebot-get_history", "salebot-find_client_id_by_var", "salebot-find_clients", "bothelp-subscribers-100", "bothelp-bots", "bothelp-funnels"}
	var tsv bytes.Buffer
	for i, r := range reads {
		body, err := c.do(r)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, names[i]+".body"), body, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, names[i]+".lua"), []byte(luaScript([]request{r})), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&tsv, "%s\t%d\n", names[i], len(body))
	}
	return os.WriteFile(filepath.Join(dir, "lists.tsv"), tsv.Bytes(), 0o644)
}

// bulk creates a tenant with clients and the body of a save_variables for
// ids of them (repeated as needed), and another tenant with one client and
// the body of its one-row write. It prints the two URLs as shell variables.
func bulk(c *client, clients, ids int, dir string) error {
	a, err := c.newTenant(map[string]any{"salebot": map[string]any{"generate": map[string]any{"clients": clients}}, "cleverapp": c.fixture["cleverapp"], "bothelp": c.fixture["bothelp"]})
	if err != nil {
		return err
	}
	var known []int64
	for offset := 0; offset < clients; offset += 500 {
		var page struct{ Clients []struct{ ID int64 } }
		if err := c.json(get(fmt.Sprintf("/salebot/api/%s/get_clients?limit=500&offset=%d", a.Salebot.APIKey, offset)), &page); err != nil {
			return err
		}
		for _, cl := range page.Clients {
			known = append(known, cl.ID)
		}
	}
	if len(known) == 0 {
		return fmt.Errorf("the bulk tenant has no clients")
	}
	list := make([]int64, ids)
	for i := range list {
		list[i] = known[i%len(known)]
	}
	save, _ := json.Marshal(map[string]any{"clients": list, "variables": map[string]any{"client.stage": "bulk"}})
	b, err := c.newTenant(c.fixture)
	if err != nil {
		return err
	}
	one, _ := json.Marshal(map[string]any{"client_id": b.client, "variables": map[string]any{"client.stage": "one"}})
	if err := os.WriteFile(filepath.Join(dir, "bulk.json"), save, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "one.json"), one, 0o644); err != nil {
		return err
	}
	fmt.Printf("BULK_URL=%s/salebot/api/%s/save_variables\n", c.base, a.Salebot.APIKey)
	fmt.Printf("ONE_URL=%s/salebot/api/%s/save_variables\n", c.base, b.Salebot.APIKey)
	fmt.Printf("BULK_IDS=%s\n", strconv.Itoa(len(list)))
	return nil
}
