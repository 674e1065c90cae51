package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/journal"
)

// RunnerHeader marks the runner's own requests, so the journal tells them
// from the calls of the system under test.
const RunnerHeader = "X-Fakebots-Scenario"

// maxAnswerBytes bounds an answer the runner reads.
const maxAnswerBytes = 8 << 20

// client talks to one emulator: its control API and its platform APIs.
type client struct {
	http  *http.Client
	base  string // the emulator's URL, without a trailing slash
	token string // the control API's token, when it has one
	runID string
}

// answer is an exchange's outcome as steps see it.
type answer struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   any // the JSON value of Raw; its text when it is not JSON
}

// tree is the answer as capture paths and patterns read it.
func (a *answer) tree() map[string]any {
	headers := map[string]any{}
	for k, v := range a.Header {
		headers[k] = strings.Join(v, ", ")
	}
	return map[string]any{"status": int64(a.Status), "headers": headers, "body": a.Body}
}

func (c *client) send(ctx context.Context, req *http.Request, bearer string) (*answer, error) {
	req.Header.Set(RunnerHeader, c.runID)
	if bearer != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http.Do(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxAnswerBytes {
		return nil, fmt.Errorf("%s %s: the answer is larger than %d bytes", req.Method, req.URL.Path, maxAnswerBytes)
	}
	a := &answer{Status: resp.StatusCode, Header: resp.Header, Raw: raw, Body: string(raw)}
	var v any
	if len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &v) == nil {
		a.Body = v
	}
	return a, nil
}

// control sends a control API request; path is below /__fakebots.
func (c *client) control(ctx context.Context, method, path string, body any, bearer string) (*answer, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+"/__fakebots"+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(ctx, req, bearer)
}

// controlOK is control for requests that must succeed: a 4xx or 5xx is
// an error carrying the emulator's message.
func (c *client) controlOK(ctx context.Context, method, path string, body any, bearer string) (*answer, error) {
	a, err := c.control(ctx, method, path, body, bearer)
	if err != nil {
		return nil, err
	}
	if a.Status >= 400 {
		return a, fmt.Errorf("%s /__fakebots%s: %d %s", method, path, a.Status, strings.TrimSpace(string(a.Raw)))
	}
	return a, nil
}

// tenant is the run's tenant: its id, creation answer and control token.
type tenant struct {
	*client
	id    string
	info  map[string]any
	token string
}

func (c *client) createTenant(ctx context.Context, body any) (*tenant, error) {
	a, err := c.controlOK(ctx, http.MethodPost, "/tenants", body, c.token)
	if err != nil {
		return nil, fmt.Errorf("create the tenant: %w", err)
	}
	return c.tenantFrom(a.Body)
}

// openTenant uses an existing tenant.
func (c *client) openTenant(ctx context.Context, id string) (*tenant, error) {
	a, err := c.controlOK(ctx, http.MethodGet, "/tenants/"+url.PathEscape(id), nil, c.token)
	if err != nil {
		return nil, err
	}
	return c.tenantFrom(a.Body)
}

func (c *client) tenantFrom(body any) (*tenant, error) {
	info, _ := body.(map[string]any)
	id, _ := info["id"].(string)
	if id == "" {
		return nil, fmt.Errorf("the tenant's answer has no id: %s", show(body))
	}
	token, _ := info["control_token"].(string)
	if token == "" {
		token = c.token
	}
	return &tenant{client: c, id: id, info: info, token: token}, nil
}

func (t *tenant) delete(ctx context.Context) error {
	bearer := t.client.token
	if bearer == "" {
		bearer = t.token
	}
	_, err := t.controlOK(ctx, http.MethodDelete, "/tenants/"+url.PathEscape(t.id), nil, bearer)
	return err
}

// ctl sends a request to the tenant's control endpoints (path below
// /__fakebots/tenants/{id}/).
func (t *tenant) ctl(ctx context.Context, method, path string, body any) (*answer, error) {
	return t.control(ctx, method, t.ctlPath(path), body, t.token)
}

func (t *tenant) ctlOK(ctx context.Context, method, path string, body any) (*answer, error) {
	return t.controlOK(ctx, method, t.ctlPath(path), body, t.token)
}

func (t *tenant) ctlPath(path string) string {
	return "/tenants/" + url.PathEscape(t.id) + "/" + strings.TrimPrefix(path, "/")
}

// baseURL is a platform's base URL for this tenant, as the tenant's answer
// gives it (a path on the emulator), made absolute.
func (t *tenant) baseURL(platformName, key string) (string, error) {
	section, _ := t.info[platformName].(map[string]any)
	path, _ := section[key].(string)
	if path == "" {
		return "", fmt.Errorf("the tenant's answer has no %s.%s (the emulator predates per-tenant URLs)", platformName, key)
	}
	return t.base + path, nil
}

// platformRoot is where the platform's real paths start for this tenant:
// its base URL up to the platform's name (/t/{tenant}/salebot).
func (t *tenant) platformRoot(platformName string) (string, error) {
	base, err := t.baseURL(platformName, "base_url")
	if err != nil {
		return "", err
	}
	marker := "/" + platformName
	i := strings.Index(base+"/", marker+"/")
	if i < 0 {
		return "", fmt.Errorf("the %s base URL %s does not name the platform", platformName, base)
	}
	return base[:i+len(marker)], nil
}

// journalPage is the journal's answer.
type journalPage struct {
	Data       []journal.Entry `json:"data"`
	NextBefore *int64          `json:"next_before"`
}

// journalAfter returns the tenant's exchanges with ids above after, oldest
// first, reading pages newest first until it reaches known ground.
func (t *tenant) journalAfter(ctx context.Context, after int64) ([]journal.Entry, error) {
	var out []journal.Entry
	before := ""
	for {
		q := url.Values{"limit": {"200"}}
		if before != "" {
			q.Set("before", before)
		}
		a, err := t.ctlOK(ctx, http.MethodGet, "journal?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		var page journalPage
		if err := json.Unmarshal(a.Raw, &page); err != nil {
			return nil, fmt.Errorf("the journal's answer: %w", err)
		}
		done := page.NextBefore == nil || len(page.Data) == 0
		for _, e := range page.Data {
			if e.ID <= after {
				done = true
				break
			}
			out = append(out, e)
		}
		if done {
			break
		}
		before = strconv.FormatInt(*page.NextBefore, 10)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// list reads a control endpoint answering {"data": [...]}.
func (t *tenant) list(ctx context.Context, path string) ([]any, error) {
	a, err := t.ctlOK(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, err
	}
	obj, _ := a.Body.(map[string]any)
	data, ok := obj["data"].([]any)
	if !ok {
		return nil, fmt.Errorf("GET %s: no data list in %s", path, show(a.Body))
	}
	return data, nil
}
