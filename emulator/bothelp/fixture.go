package bothelp

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"regexp"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// Fixture is BotHelp's part of a fixture:
//
//	bothelp:
//	  client_id: demo-bothelp-client-id      # optional; taken or absent → generated
//	  client_secret: demo-bothelp-secret     # (both generated when client_id is)
//	  account_id: 100001                     # optional
//	  cuid_prefix: demo                      # optional; [0-9a-z]{1,16}
//	  settings: {error_format: jsonapi}      # optional; see Settings
//	  bots:                                  # default: one bot with one step
//	    - title: Курс
//	      referral: c1723106923821           # optional
//	      steps: [Приветствие, {title: Оплата, referral: "1723638253735"}]
//	  funnels: [Прогрев]                     # default: one funnel
//	  subscribers: [{name: Иван, email: ivan@example.com, tags: [лид]}]
//	  generate: {count: 300, channels: [...], tags: [...], custom_fields: [...]}
type Fixture struct {
	ClientID     string              `json:"client_id"`
	ClientSecret string              `json:"client_secret"`
	AccountID    int64               `json:"account_id"`
	CUIDPrefix   string              `json:"cuid_prefix"`
	Settings     json.RawMessage     `json:"settings"`
	Bots         []BotSpec           `json:"bots"`
	Funnels      []ItemSpec          `json:"funnels"`
	Subscribers  []ControlSubscriber `json:"subscribers"`
	Generate     GenerateSpec        `json:"generate"`
}

var (
	// defaultBot and defaultFunnel make a tenant usable at once.
	defaultBot    = BotSpec{Title: "Бот", Steps: []ItemSpec{{Title: "Приветствие"}}}
	defaultFunnel = ItemSpec{Title: "Авторассылка"}

	prefixPattern = regexp.MustCompile(`^[0-9a-z]{1,16}$`)
)

func decodeFixture(raw json.RawMessage) (Fixture, error) {
	var f Fixture
	if err := platform.DecodeStrict(raw, &f); err != nil {
		return f, err
	}
	if f.CUIDPrefix != "" && !prefixPattern.MatchString(f.CUIDPrefix) {
		return f, fmt.Errorf("cuid_prefix must match %s", prefixPattern)
	}
	if f.AccountID < 0 || f.Generate.Count < 0 {
		return f, errors.New("account_id and generate.count must not be negative")
	}
	return f, nil
}

// Provision creates the tenant's account: client credentials (the
// fixture's when free), bots with steps, funnels and subscribers. Ids and
// credentials come from the tenant's seed, data from the faker, so a reset
// restores the same account.
func (p *Platform) Provision(tx *store.Tx, s platform.Setup) (any, error) {
	f, err := decodeFixture(s.Fixture)
	if err != nil {
		return nil, err
	}
	acc := account{ID: f.AccountID, Prefix: f.CUIDPrefix}
	if acc.Settings, err = DefaultSettings().Merge(f.Settings); err != nil {
		return nil, err
	}
	if acc.ID == 0 {
		acc.ID = 100000 + s.Rand.Int63n(900000)
	}
	if acc.Prefix == "" {
		acc.Prefix = randomDigits(s.Rand, 4, 36)
	}
	settings, err := json.Marshal(acc.Settings)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(`INSERT INTO bh_accounts (tenant_id, account_id, cuid_prefix, settings) VALUES (?, ?, ?, ?)`,
		s.TenantID, acc.ID, acc.Prefix, string(settings)); err != nil {
		return nil, err
	}
	client, err := claimClient(tx, s, acc.ID, f.ClientID, f.ClientSecret)
	if err != nil {
		return nil, err
	}
	if len(f.Bots) == 0 {
		f.Bots = []BotSpec{defaultBot}
	}
	if len(f.Funnels) == 0 {
		f.Funnels = []ItemSpec{defaultFunnel}
	}
	refs := &referralSource{ms: s.Now.Add(-90 * 24 * time.Hour).UnixMilli(), rnd: s.Rand}
	bots := make([]botView, len(f.Bots))
	for i, b := range f.Bots {
		if bots[i], err = createBot(tx, s.TenantID, b, refs, s.Now); err != nil {
			return nil, err
		}
	}
	funnels := make([]item, len(f.Funnels))
	for i, fn := range f.Funnels {
		if funnels[i], err = createFunnel(tx, s.TenantID, fn, refs, s.Now); err != nil {
			return nil, err
		}
	}
	subs := append(f.Subscribers, f.Generate.subscribers(s.Faker, s.Now)...)
	for i, in := range subs {
		if _, err := createSubscriber(tx, s.TenantID, in, s.Now); err != nil {
			return nil, fmt.Errorf("subscriber %d: %w", i+1, err)
		}
	}
	return tenantInfo(s.BasePath, client, acc, bots, funnels, len(subs)), nil
}

// tenantInfo is the tenant creation answer's "bothelp" object: the client
// credentials, the tenant's own API and token URLs, and the ids a user needs
// next.
func tenantInfo(basePath string, c clientCredentials, acc account, bots []botView, funnels []item, subscribers int) jsonx.Object {
	step := ""
	if len(bots[0].Steps) > 0 {
		step = bots[0].Steps[0].Referral
	}
	return jsonx.Object{
		{Key: "client_id", Value: c.ID},
		{Key: "client_secret", Value: c.Secret},
		{Key: "base_url", Value: basePath},
		{Key: "token_url", Value: basePath + "/oauth2/token"},
		{Key: "account_id", Value: acc.ID},
		{Key: "cuid_prefix", Value: acc.Prefix},
		{Key: "bot_referral", Value: bots[0].Referral},
		{Key: "step_referral", Value: step},
		{Key: "funnel_referral", Value: funnels[0].Referral},
		{Key: "bots", Value: bots},
		{Key: "funnels", Value: funnels},
		{Key: "subscribers", Value: subscribers},
	}
}

// clientCredentials are an account's Open API client id and secret.
type clientCredentials struct {
	ID     string `json:"client_id"`
	Secret string `json:"client_secret"`
}

// claimClient stores the wanted credentials when the client id is free, and
// otherwise fresh ones shaped like the live ones: "<accountId>:<32 hex>".
func claimClient(tx *store.Tx, s platform.Setup, accountID int64, wantedID, wantedSecret string) (clientCredentials, error) {
	c := clientCredentials{ID: wantedID, Secret: wantedSecret}
	taken, err := existsIn(tx, `SELECT 1 FROM credentials WHERE platform = ? AND secret = ?`, Name)(wantedID)
	if err != nil {
		return c, err
	}
	if wantedID == "" || taken {
		c.ID = strconv.FormatInt(accountID, 10) + ":" + randomDigits(s.Rand, 32, 16)
		c.Secret = ""
	}
	if c.Secret == "" {
		c.Secret = strconv.FormatInt(accountID, 10) + ":" + randomDigits(s.Rand, 32, 16)
	}
	return c, putClient(tx, s.TenantID, c, s.Now)
}

func putClient(tx *store.Tx, tenantID string, c clientCredentials, now time.Time) error {
	data, err := json.Marshal(clientData{ClientSecret: c.Secret})
	if err != nil {
		return err
	}
	return tx.PutCredential(store.Credential{Platform: Name, Secret: c.ID, TenantID: tenantID, Kind: kindClient, Data: data, CreatedAt: now})
}

// randomDigits is n lowercase digits of base (up to 36) from rnd.
func randomDigits(rnd *rand.Rand, n, base int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = strconv.FormatInt(int64(rnd.Intn(base)), base)[0]
	}
	return string(b)
}
