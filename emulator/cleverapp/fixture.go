package cleverapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// fixtureSection is a brand's part of a fixture:
//
//	cleverapp:
//	  api_token: demo-cleverapp-token   # optional; taken or absent → generated
//	  plan: pro                         # pro (default) | free
//	  account: {name: ..., email: ..., phone: ...}
//	  bots:
//	    - name: Shop
//	      messenger: telegram
//	      tags: [Горячий, Акция]        # declared in the bot
//	      variables: [Город]            # each generated contact gets a value
//	      contacts: 20                  # generated with gofakeit
type fixtureSection struct {
	APIToken string         `json:"api_token"`
	Plan     string         `json:"plan"`
	Account  fixtureAccount `json:"account"`
	Bots     []fixtureBot   `json:"bots"`
}

type fixtureAccount struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone"`
}

type fixtureBot struct {
	Name      string   `json:"name"`
	Messenger string   `json:"messenger"`
	Tags      []string `json:"tags"`
	Variables []string `json:"variables"`
	Contacts  int      `json:"contacts"`
}

// defaultBot is the bot every tenant has when its fixture names none.
var defaultBot = fixtureBot{Name: "Bot", Messenger: "telegram"}

func decodeFixture(raw json.RawMessage) (fixtureSection, error) {
	var f fixtureSection
	if len(raw) == 0 || string(raw) == "null" {
		return f, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, err
	}
	if f.Plan != "" && f.Plan != PlanPro && f.Plan != PlanFree {
		return f, fmt.Errorf("plan must be %q or %q", PlanPro, PlanFree)
	}
	for _, b := range f.Bots {
		if _, ok := messengerField[b.Messenger]; !ok {
			return f, fmt.Errorf("bot %q: unknown messenger %q", b.Name, b.Messenger)
		}
	}
	return f, nil
}

// Provision creates the brand's account, token and bots for a tenant.
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
		acc.Name = fakeName(s.Faker)
	}
	if acc.Email == "" {
		acc.Email = s.Faker.Email()
	}
	if acc.Phone == "" {
		acc.Phone = fakePhone(s.Faker)
	}
	now := store.Micros(s.Now)
	if _, err := tx.Exec(`INSERT INTO ca_accounts (tenant_id, brand, id, name, email, phone, plan, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.TenantID, p.brand.Name, 1+s.Rand.Int63n(1e6), acc.Name, acc.Email, acc.Phone, f.Plan, now); err != nil {
		return nil, err
	}
	if len(f.Bots) == 0 {
		f.Bots = []fixtureBot{defaultBot}
	}
	bots := []any{}
	for _, b := range f.Bots {
		id, err := p.provisionBot(tx, s, b)
		if err != nil {
			return nil, err
		}
		bots = append(bots, jsonx.Object{{Key: "id", Value: id}, {Key: "name", Value: b.Name}, {Key: "messenger", Value: b.Messenger}})
	}
	return jsonx.Object{
		{Key: "api_token", Value: token},
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
// reset keeps it), its tags and variables, and its generated contacts.
func (p *Platform) provisionBot(tx *store.Tx, s platform.Setup, b fixtureBot) (int64, error) {
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
	for i := 0; i < b.Contacts; i++ {
		if err := p.generateContact(tx, s, id, b, i); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// generateContact makes one fake contact of a bot, with values for the
// bot's variables and some of its tags.
func (p *Platform) generateContact(tx *store.Tx, s platform.Setup, botID int64, b fixtureBot, n int) error {
	f := s.Faker
	// Spread creation over the 30 days before the tenant, oldest first.
	created := s.Now.Add(-30 * 24 * time.Hour * time.Duration(b.Contacts-n) / time.Duration(b.Contacts))
	phone := fakePhone(f)
	var tgID, tgUser, viberID, vkID any
	switch b.Messenger {
	case "telegram":
		tgID, tgUser = strconv.Itoa(100000000+f.Number(0, 899999999)), f.Username()
	case "viber":
		viberID = f.LetterN(22) + "=="
	case "vk":
		vkID = strconv.Itoa(f.Number(1000000, 799999999))
	}
	var utm any
	if f.Bool() {
		utm = fmt.Sprintf(`{"utm_source":%q,"utm_medium":"cpc","utm_campaign":%q,"utm_term":null,"utm_content":null}`,
			f.RandomString([]string{"yandex", "vk", "telegram", "landing"}), f.RandomString([]string{"spring_sale", "welcome", "retarget"}))
	}
	at := store.Micros(created)
	contactID, err := tx.Insert(`INSERT INTO ca_contacts (tenant_id, brand, bot_id, name, messenger, phone, email, telegram_id, telegram_username, viber_id, vk_id, address, utm, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.TenantID, p.brand.Name, botID, fakeName(f), b.Messenger, phone, f.Email(), tgID, tgUser, viberID, vkID, fakeAddress(f), utm, at, at)
	if err != nil {
		return err
	}
	for _, name := range b.Variables {
		v := fakeVariable(f, name)
		varID, err := declareVariable(tx, s.TenantID, botID, name, s.Now)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO ca_contact_variables (contact_id, variable_id, value, deletable, updated_at) VALUES (?, ?, ?, 0, ?)`,
			contactID, varID, v, at); err != nil {
			return err
		}
	}
	for _, tag := range b.Tags {
		if f.Number(0, 2) == 0 {
			if _, err := tx.Exec(`INSERT INTO ca_contact_tags (contact_id, tag_id, created_at) SELECT ?, id, ? FROM ca_tags WHERE bot_id = ? AND name = ?`,
				contactID, at, botID, tag); err != nil {
				return err
			}
		}
	}
	return nil
}
