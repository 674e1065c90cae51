package cleverapp

import (
	"encoding/json"
	"fmt"

	"github.com/fakebots/fakebots/emulator/fakedata"
	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// Fixture is a brand's part of a fixture:
//
//	cleverapp:
//	  api_token: demo-cleverapp-token   # optional; taken or absent → generated
//	  plan: pro                         # pro (default) | free
//	  settings: {rate_limits: laravel}  # see Settings
//	  account: {name: ..., email: ..., phone: ...}
//	  bots:
//	    - name: Shop
//	      messenger: telegram
//	      tags: [Горячий, Акция]        # declared in the bot
//	      variables: [Город]            # each generated contact gets a value
//	      contacts: 20                  # generated with gofakeit, or listed (see FixtureContact)
//	      accounts: [RUB]               # a money account per contact, generated balance
//	      crypto_accounts: [BTC]        # a crypto account per contact, generated balance
//	      referrals: 2                  # generated contacts form an invite tree, ≤ 2 invites each
//	  lists:                            # list schemas (see FixtureList)
//	    - name: Заказы
//	      fields: [{slug: name, name: Название, type: string, is_required: true}]
//	      items: 20
type Fixture struct {
	APIToken string          `json:"api_token"`
	Plan     string          `json:"plan"`
	Settings json.RawMessage `json:"settings"`
	Account  FixtureAccount  `json:"account"`
	Bots     []FixtureBot    `json:"bots"`
	Lists    []FixtureList   `json:"lists"`
}

type FixtureAccount struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

type FixtureBot struct {
	Name           string          `json:"name"`
	Messenger      string          `json:"messenger"`
	Tags           []string        `json:"tags"`
	Variables      []string        `json:"variables"`
	Contacts       FixtureContacts `json:"contacts"`
	Accounts       []string        `json:"accounts"`
	CryptoAccounts []string        `json:"crypto_accounts"`
	Referrals      int             `json:"referrals"`
}

// defaultBot is the bot every tenant has when its fixture names none.
var defaultBot = FixtureBot{Name: "Bot", Messenger: "telegram"}

func decodeFixture(raw json.RawMessage) (Fixture, error) {
	var f Fixture
	if err := platform.DecodeStrict(raw, &f); err != nil {
		return f, err
	}
	if f.Plan != "" && f.Plan != PlanPro && f.Plan != PlanFree {
		return f, fmt.Errorf("plan must be %q or %q", PlanPro, PlanFree)
	}
	if _, err := DefaultSettings().Merge(f.Settings); err != nil {
		return f, err
	}
	for _, b := range f.Bots {
		if _, ok := messengerField[b.Messenger]; !ok {
			return f, fmt.Errorf("bot %q: unknown messenger %q", b.Name, b.Messenger)
		}
		if b.Referrals < 0 {
			return f, fmt.Errorf("bot %q: referrals must not be negative", b.Name)
		}
	}
	for _, l := range f.Lists {
		if err := l.check(f.Bots); err != nil {
			return f, fmt.Errorf("list %q: %w", l.Name, err)
		}
	}
	return f, nil
}

// Provision creates the brand's account, token, bots with their contacts,
// and lists for a tenant.
func (p *Platform) Provision(tx *store.Tx, s platform.Setup) (any, error) {
	f, err := decodeFixture(s.Fixture)
	if err != nil {
		return nil, err
	}
	token, err := p.claimToken(tx, s, f.APIToken)
	if err != nil {
		return nil, err
	}
	if f.Plan == "" {
		f.Plan = PlanPro
	}
	acc := f.Account
	if acc.Name == "" {
		acc.Name = fakedata.Name(s.Faker)
	}
	if acc.Email == "" {
		acc.Email = s.Faker.Email()
	}
	if acc.Phone == "" {
		acc.Phone = fakedata.Phone(s.Faker)
	}
	now := store.Micros(s.Now)
	if _, err := tx.Exec(`INSERT INTO ca_accounts (tenant_id, brand, id, name, email, phone, plan, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.TenantID, p.brand.Name, 1+s.Rand.Int63n(1e6), acc.Name, acc.Email, acc.Phone, f.Plan, now); err != nil {
		return nil, err
	}
	settings, _ := DefaultSettings().Merge(f.Settings) // checked by decodeFixture
	if err := saveSettings(tx, s.TenantID, p.brand.Name, settings); err != nil {
		return nil, err
	}
	if len(f.Bots) == 0 {
		f.Bots = []FixtureBot{defaultBot}
	}
	bots := []any{}
	botIDs := map[string]int64{}
	for _, b := range f.Bots {
		id, err := p.provisionBot(tx, s, b)
		if err != nil {
			return nil, err
		}
		if _, seen := botIDs[b.Name]; !seen {
			botIDs[b.Name] = id
		}
		bots = append(bots, jsonx.Object{{Key: "id", Value: id}, {Key: "name", Value: b.Name}, {Key: "messenger", Value: b.Messenger}})
	}
	for i, l := range f.Lists {
		if err := p.provisionList(tx, s, l, i, botIDs); err != nil {
			return nil, err
		}
	}
	return jsonx.Object{
		{Key: "api_token", Value: token},
		{Key: "base_url", Value: s.BasePath + "/api/v1"},
		{Key: "plan", Value: f.Plan},
		{Key: "bot_id", Value: bots[0].(jsonx.Object)[0].Value},
		{Key: "bots", Value: bots},
	}, nil
}

// claimToken uses the fixture's token unless another tenant holds it, and
// otherwise one drawn from the tenant's seed (stable across resets).
func (p *Platform) claimToken(tx *store.Tx, s platform.Setup, wanted string) (string, error) {
	token := wanted
	if token == "" || tokenTaken(tx, p.brand.Name, token) {
		token = randomToken(s, 30)
	}
	return token, tx.PutCredential(store.Credential{Platform: p.brand.Name, Secret: token, TenantID: s.TenantID, Kind: "api_token", CreatedAt: s.Now})
}

func tokenTaken(tx *store.Tx, platformName, secret string) bool {
	var one int
	return tx.QueryRow(`SELECT 1 FROM credentials WHERE platform = ? AND secret = ?`, platformName, secret).Scan(&one) == nil
}

const tokenAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomToken(s platform.Setup, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = tokenAlphabet[s.Rand.Intn(len(tokenAlphabet))]
	}
	return string(b)
}

// provisionBot creates a bot with an id drawn from the tenant's seed (so a
// reset keeps it), its tags, and its contacts with their accounts.
func (p *Platform) provisionBot(tx *store.Tx, s platform.Setup, b FixtureBot) (int64, error) {
	if b.Name == "" {
		b.Name = defaultBot.Name
	}
	var id int64
	for {
		id = 10000 + s.Rand.Int63n(90000000)
		var one int
		if tx.QueryRow(`SELECT 1 FROM ca_bots WHERE id = ?`, id).Scan(&one) != nil {
			break
		}
	}
	now := store.Micros(s.Now)
	if _, err := tx.Exec(`INSERT INTO ca_bots (id, tenant_id, brand, name, messenger, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, s.TenantID, p.brand.Name, b.Name, b.Messenger, now); err != nil {
		return 0, err
	}
	for _, tag := range b.Tags {
		if _, err := tx.Exec(`INSERT INTO ca_tags (tenant_id, bot_id, name) VALUES (?, ?, ?)`, s.TenantID, id, tag); err != nil {
			return 0, err
		}
	}
	return id, p.provisionContacts(tx, s, id, b)
}
