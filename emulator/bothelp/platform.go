// Package bothelp emulates the BotHelp Open API: the OAuth 2 token endpoint
// (oauth.bothelp.io/oauth2/token) and the REST API (api.bothelp.io/v1, /v2)
// as one platform. A tenant is one BotHelp account: client credentials,
// access tokens that expire on the emulator's clock, bots with steps,
// funnels, and subscribers numbered from 1 with CUIDs.
package bothelp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/specs"
)

// Name is the platform id: URL prefix, spec file and credential namespace.
const Name = "bothelp"

const (
	hostAPI   = "api.bothelp.io"
	hostOAuth = "oauth.bothelp.io"
	opToken   = "getToken"
)

// Platform is the emulated BotHelp.
type Platform struct {
	spec     *spec.Spec
	handlers map[string]platform.Handler
	env      *platform.Env

	pruneMu sync.Mutex
	pruned  map[string]time.Time // tenant → when its expired tokens were last dropped

	tokens tokenCache // access tokens resolved by Authenticate
}

// New builds the platform from specs/bothelp.yaml.
func New(env *platform.Env) (platform.Platform, error) {
	raw, err := specs.Platform(Name)
	if err != nil {
		return nil, err
	}
	s, err := spec.Load(Name, raw)
	if err != nil {
		return nil, err
	}
	p := &Platform{spec: s, env: env, pruned: map[string]time.Time{}}
	p.handlers = p.routes()
	for _, op := range s.Operations {
		if p.handlers[op.ID] == nil {
			return nil, fmt.Errorf("spec %s: operation %s has no handler", Name, op.ID)
		}
	}
	return p, nil
}

// routes maps every operation id of the spec to its handler. The id, CUID
// and messenger variants of an operation share one handler: the path
// parameters tell them apart.
func (p *Platform) routes() map[string]platform.Handler {
	return map[string]platform.Handler{
		opToken: p.getToken,

		"listBots":     p.listBots,
		"listBotSteps": p.listBotSteps,
		"listFunnels":  p.listFunnels,

		"listSubscribers":             p.listSubscribers,
		"updateSubscriber":            p.updateSubscriber,
		"updateSubscriberByCuid":      p.updateSubscriber,
		"updateSubscriberByMessenger": p.updateSubscriber,
		"setCustomFields":             p.setCustomFields,
		"setCustomFieldsByCuid":       p.setCustomFields,
		"setCustomFieldsByMessenger":  p.setCustomFields,

		"sendMessage":       p.sendMessages,
		"sendMessageByCuid": p.sendMessages,

		"runBot":                      p.runBot,
		"runBotByCuid":                p.runBot,
		"runBotByMessenger":           p.runBot,
		"stopBot":                     p.stopBot,
		"stopBotByCuid":               p.stopBot,
		"stopBotByMessenger":          p.stopBot,
		"addToFunnel":                 p.addToFunnel,
		"addToFunnelByCuid":           p.addToFunnel,
		"addToFunnelByMessenger":      p.addToFunnel,
		"removeFromFunnel":            p.removeFromFunnel,
		"removeFromFunnelByCuid":      p.removeFromFunnel,
		"removeFromFunnelByMessenger": p.removeFromFunnel,
	}
}

func (p *Platform) Name() string        { return Name }
func (p *Platform) Hosts() []string     { return []string{hostAPI, hostOAuth} }
func (p *Platform) Spec() *spec.Spec    { return p.spec }
func (p *Platform) store() *store.Store { return p.env.Store }

// Handler returns the handler of an operation.
func (p *Platform) Handler(id string) platform.Handler { return p.handlers[id] }

// Authenticate checks the client credentials of the token exchange, and the
// Bearer access token of every other call.
func (p *Platform) Authenticate(r *platform.Request) (platform.Principal, error) {
	if !hostServes(r.HTTP, r.Operation.ID) {
		return platform.Principal{}, errRouteNotFound
	}
	if r.Operation.ID == opToken {
		return p.authenticateClient(r)
	}
	return p.authenticateBearer(r)
}

// hostServes reports whether the request's host serves the operation: the
// token endpoint lives on oauth.bothelp.io and the API on api.bothelp.io;
// the prefix form (/bothelp/...) serves both.
func hostServes(r *http.Request, operationID string) bool {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	switch host {
	case hostOAuth:
		return operationID == opToken
	case hostAPI:
		return operationID != opToken
	}
	return true
}

// Input reads the parameters. The token exchange takes a form (urlencoded or
// multipart). The API takes the query string and, except on GET, a JSON body
// whatever its Content-Type, as PHP's json_decode of the raw body would: an
// empty or malformed body is the observed `json_decode error`, unless the
// query carries a parameter the operation declares (DELETE /bot and /funnel
// take their referral there too). GET bodies (the SDK
// sends `[]`) are ignored. A JSON object's keys are merged over the query;
// arrays (JSON-Patch, messages) are decoded by their handlers from r.Body.
func (p *Platform) Input(r *platform.Request) (platform.Input, error) {
	if r.Input != nil {
		return r.Input, nil
	}
	if r.Operation.ID == opToken {
		in, _, err := platform.ParseInput(r, platform.InputOptions{})
		if err != nil {
			return platform.Input{}, nil // an unreadable form is no form: the grant type is missing
		}
		return in, nil
	}
	in := platform.Input{}
	for k, v := range r.HTTP.URL.Query() {
		last := v[len(v)-1] // PHP keeps the last of repeated keys
		if last == "" && !requiredQueryParameter(r.Operation, k) {
			continue // ?after= is "" to PHP, which the API's filters take as not given
		}
		in[k] = last
	}
	if r.HTTP.Method == http.MethodGet || r.HTTP.Method == http.MethodHead {
		return in, nil
	}
	body := bytes.TrimSpace(r.Body)
	if len(body) == 0 {
		if hasQueryParameter(r.Operation, in) {
			return in, nil
		}
		return nil, errJSONDecode
	}
	var complex *platform.InputTooComplexError
	if errors.As(platform.CheckJSONBounds(body), &complex) {
		if complex.Deep {
			return nil, errJSONDecode // json_decode's depth
		}
		return nil, errTooManyValues
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, errJSONDecode
	}
	if obj, ok := v.(map[string]any); ok {
		maps.Copy(in, obj)
	}
	return in, nil
}

// hasQueryParameter reports whether in holds a query parameter of op.
func hasQueryParameter(op *spec.Operation, in platform.Input) bool {
	for _, p := range op.Op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && in.Present(p.Value.Name) {
			return true
		}
	}
	return false
}

// requiredQueryParameter reports a query parameter op cannot do without.
func requiredQueryParameter(op *spec.Operation, name string) bool {
	for _, p := range op.Op.Parameters {
		if p.Value != nil && p.Value.In == openapi3.ParameterInQuery && p.Value.Name == name {
			return p.Value.Required
		}
	}
	return false
}

// Validate checks object inputs (query parameters, {botReferral} and
// {funnelReferral} bodies) against the spec. The token exchange was checked
// by Authenticate, and array bodies are checked by their decoders, which
// give the observed error texts.
func (p *Platform) Validate(r *platform.Request) error {
	schema := r.Operation.Input
	if r.Operation.ID == opToken || schema == nil || !schema.Type.Is(openapi3.TypeObject) {
		return nil
	}
	return platform.ValidateSchema(r)
}
