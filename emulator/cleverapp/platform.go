// Package cleverapp emulates the CleverApp API and Onebot, a white-label of
// the same Laravel backend: one implementation, two brands with their own
// hosts, spec, tokens and data.
package cleverapp

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/emulator/store"
)

// Brand is what tells the two white-labels apart.
type Brand struct {
	Name  string // platform id: URL prefix, spec file, credential namespace
	Title string
	Hosts []string
}

var (
	brandCleverApp = Brand{Name: "cleverapp", Title: "CleverApp", Hosts: []string{"app.cleverapp.pro"}}
	brandOnebot    = Brand{Name: "onebot", Title: "Onebot", Hosts: []string{"app.onebot.tech"}}
)

// Platform is one brand of the backend.
type Platform struct {
	brand    Brand
	spec     *spec.Spec
	rules    map[string]laravel.Rules // x-rules by operation id
	handlers map[string]platform.Handler
	env      *platform.Env
	owners   sync.Map // api_token → tokenOwner
}

// NewCleverApp builds the CleverApp platform from specs/cleverapp.yaml.
func NewCleverApp(env *platform.Env) (platform.Platform, error) {
	return newPlatform(brandCleverApp, env)
}

// NewOnebot builds Onebot: the CleverApp document with specs/onebot.yaml
// laid over it (x-overlay-of).
func NewOnebot(env *platform.Env) (platform.Platform, error) {
	return newPlatform(brandOnebot, env)
}

func newPlatform(b Brand, env *platform.Env) (*Platform, error) {
	s, err := spec.LoadServed(b.Name)
	if err != nil {
		return nil, err
	}
	rules, err := spec.Derived(s, "cleverapp rules", parseRules)
	if err != nil {
		return nil, err
	}
	p := &Platform{brand: b, spec: s, rules: rules, env: env}
	p.handlers = p.routes()
	return p, nil
}

// parseRules reads every operation's x-rules.
func parseRules(s *spec.Spec) (map[string]laravel.Rules, error) {
	rules := map[string]laravel.Rules{}
	for _, op := range s.Operations {
		var raw []map[string]string
		if _, err := op.Extension("x-rules", &raw); err != nil {
			return nil, fmt.Errorf("spec %s: %s: x-rules: %w", s.Platform, op.ID, err)
		}
		var err error
		if rules[op.ID], err = laravel.ParseRules(raw); err != nil {
			return nil, fmt.Errorf("spec %s: %s: %w", s.Platform, op.ID, err)
		}
	}
	return rules, nil
}

// routes maps every operation id of the spec to its handler.
func (p *Platform) routes() map[string]platform.Handler {
	return map[string]platform.Handler{
		"loginPage": p.loginPage,
		"getMe":     p.getMe,

		"getContacts":           p.getContacts,
		"createOrUpdateContact": p.createOrUpdateContact,

		"getContactVariables":   p.getContactVariables,
		"setContactVariable":    p.setContactVariable,
		"deleteContactVariable": p.deleteContactVariable,

		"getBotTags":           p.getBotTags,
		"getContactTags":       p.getContactTags,
		"attachTagToContact":   p.attachTagToContact,
		"detachTagFromContact": p.detachTagFromContact,

		"getContactAccounts":              p.getContactAccounts,
		"addContactAccount":               p.addContactAccount,
		"deleteContactAccount":            p.deleteContactAccount,
		"addFundsToContactAccount":        p.addFundsToContactAccount,
		"withdrawFundsFromContactAccount": p.withdrawFundsFromContactAccount,

		"getContactCryptoAccounts":              p.getContactCryptoAccounts,
		"addContactCryptoAccount":               p.addContactCryptoAccount,
		"deleteContactCryptoAccount":            p.deleteContactCryptoAccount,
		"addFundsToContactCryptoAccount":        p.addFundsToContactCryptoAccount,
		"withdrawFundsFromContactCryptoAccount": p.withdrawFundsFromContactCryptoAccount,

		"getReferrers":      p.getReferrers,
		"getReferrals":      p.getReferrals,
		"getReferralsByGet": p.getReferrals,
		"getCountReferrals": p.getCountReferrals,

		"getListSchemas":        p.getListSchemas,
		"getListSchema":         p.getListSchema,
		"createListSchema":      p.createListSchema,
		"addListSchemaField":    p.addListSchemaField,
		"deleteListSchemaField": p.deleteListSchemaField,
		"deleteListSchema":      p.deleteListSchema,

		"getListItems":   p.getListItems,
		"addListItem":    p.addListItem,
		"updateListItem": p.updateListItem,
		"deleteListItem": p.deleteListItem,

		"sendMessage":           p.sendMessage,
		"sendMessageToWhatsApp": p.sendMessageToWhatsApp,
		"sendMessageToQueue":    p.sendMessageToQueue,
	}
}

func (p *Platform) Name() string        { return p.brand.Name }
func (p *Platform) Hosts() []string     { return p.brand.Hosts }
func (p *Platform) Spec() *spec.Spec    { return p.spec }
func (p *Platform) store() *store.Store { return p.env.Store }

// Handler returns the handler of an operation.
func (p *Platform) Handler(id string) platform.Handler { return p.handlers[id] }

// Authenticate is Laravel's token guard plus the PRO-plan check: a missing
// or unknown token is unauthenticated; a valid one on a lapsed plan is forbidden.
func (p *Platform) Authenticate(r *platform.Request) (platform.Principal, error) {
	in, err := laravel.ReadRequest(r)
	if err != nil {
		return platform.Principal{}, errTooLarge // ValidatePostSize runs before the guard
	}
	r.Input = laravel.Params(in.All)
	if r.Operation.Public() {
		return platform.Principal{}, nil
	}
	token := laravel.Token(r, in)
	if token == "" {
		return platform.Principal{}, errUnauthenticated
	}
	owner, err := p.tokenOwner(r, token)
	if errors.Is(err, sql.ErrNoRows) {
		return platform.Principal{}, errUnauthenticated
	} else if err != nil {
		return platform.Principal{}, err
	}
	principal := platform.Principal{TenantID: owner.tenantID, LimitKey: token}
	if owner.plan != PlanPro {
		return principal, errForbidden
	}
	return principal, nil
}

// tokenOwner is whom a token belongs to, on which plan, with which settings.
type tokenOwner struct {
	tenantID, plan string
	settings       Settings
	version        uint64 // the store's AuthVersion when read
}

// tokenOwner looks a token up, from the cache while no tenant, credential or
// plan has changed since: this runs on every call.
func (p *Platform) tokenOwner(r *platform.Request, token string) (tokenOwner, error) {
	version := p.store().AuthVersion()
	if cached, ok := p.owners.Load(token); ok && cached.(tokenOwner).version == version {
		return cached.(tokenOwner), nil
	}
	owner := tokenOwner{version: version}
	var plan, settings sql.NullString
	err := p.store().QueryRow(r.Context(), `SELECT c.tenant_id, a.plan, a.settings FROM credentials c
		LEFT JOIN ca_accounts a ON a.tenant_id = c.tenant_id AND a.brand = c.platform
		WHERE c.platform = ? AND c.secret = ?`, p.brand.Name, token).Scan(&owner.tenantID, &plan, &settings)
	if err != nil {
		return owner, err
	}
	owner.plan = plan.String
	if owner.settings, err = parseSettings(settings.String); err != nil {
		return owner, err
	}
	p.owners.Store(strings.Clone(token), owner) // not a slice of the request line, which may be large
	return owner, nil
}

// Input is $request->all() as Laravel 8 reads it (see laravel.ReadInput),
// read once by Authenticate.
func (p *Platform) Input(r *platform.Request) (platform.Input, error) {
	if r.Input != nil {
		return r.Input, nil
	}
	in, err := laravel.ReadRequest(r)
	if err != nil {
		return nil, errTooLarge
	}
	return laravel.Params(in.All), nil
}

// Validate applies the operation's x-rules as Laravel's Validator does.
func (p *Platform) Validate(r *platform.Request) error {
	if errs := laravel.Validate(p.rules[r.Operation.ID], r.Input); errs != nil {
		return &validationError{errs}
	}
	return nil
}
