package salebot

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// Fixture is the salebot part of a fixture (every key optional):
//
//	salebot:
//	  api_key: d3f31dabef80ddeb73d43938b4ef8bb0  # the main, old-style key; taken or absent → generated
//	  project_id: 1
//	  keys: [{name: Только чтение, permissions: [clients_read, crm_read]}]
//	  webhook: {url: "", timeout_ms: 10000, retries: 0}
//	  settings: {content_type: application/json, not_found_status: 200, ...}
//	  channels: [{type: telegram, id: 23, name: shop_bot, group_id: shop_bot}, {type: whatsapp, status: 1}]
//	  funnel: [{id: 37, name: Новая}, {name: Оплачено, outcome: 1}]
//	  lists: [{id: 1170282, name: Подписчики}]
//	  managers: [{id: 12486, email: manager@example.com, name: Мария}]
//	  blocks: [{id: 390, condition: Старт, answer: Здравствуйте!}]
//	  clients: [{id: 44483, type: vkontakte, platform_id: "146467928", variables: {...}, orders: [...], history: [...]}]
//	  generate: {clients: 20, variables: [city]}   # made up with gofakeit
type Fixture struct {
	APIKey    string           `json:"api_key"`
	ProjectID int64            `json:"project_id"`
	Keys      []KeySpec        `json:"keys"`
	Webhook   json.RawMessage  `json:"webhook"`
	Settings  json.RawMessage  `json:"settings"`
	Channels  []FixtureChannel `json:"channels"`
	Funnel    []FixtureState   `json:"funnel"`
	Lists     []FixtureList    `json:"lists"`
	Managers  []FixtureManager `json:"managers"`
	Blocks    []FixtureBlock   `json:"blocks"`
	Clients   []FixtureClient  `json:"clients"`
	Generate  FixtureGenerate  `json:"generate"`
}

type FixtureChannel struct {
	ID      int64           `json:"id"`
	Type    string          `json:"type"` // connected_channels' key: telegram, whatsapp, vkontakte, viber ...
	Name    string          `json:"name"`
	GroupID json.RawMessage `json:"group_id"` // a string or a number, shown as given
	Enabled *bool           `json:"enabled"`
	Status  *int64          `json:"status"` // WhatsApp: 0..3 (default 1, STARTED)
}

type FixtureState struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Outcome int    `json:"outcome"` // 0 active, 1 successful, 2 failed
}

type FixtureList struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type FixtureManager struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

type FixtureBlock struct {
	ID          int64  `json:"id"`
	Condition   string `json:"condition"`
	Answer      string `json:"answer"`
	MessageType int    `json:"message_type"`
	Description string `json:"description"`
}

type FixtureGenerate struct {
	Clients   int      `json:"clients"`
	Variables []string `json:"variables"`
}

// defaultChannel is the channel of a project whose fixture names none.
var defaultChannel = FixtureChannel{Type: "telegram", Name: "fakebots_bot", GroupID: json.RawMessage(`"fakebots_bot"`)}

// defaultFunnel is the funnel of a project whose fixture names none.
var defaultFunnel = []FixtureState{{Name: "Новая заявка"}, {Name: "В работе"}, {Name: "Успешно", Outcome: orderSuccessful}, {Name: "Провалено", Outcome: orderFailed}}

func decodeFixture(raw json.RawMessage) (Fixture, error) {
	var f Fixture
	if err := platform.DecodeStrict(raw, &f); err != nil {
		return f, err
	}
	for _, c := range f.Channels {
		if _, ok := clientTypeOf(c.Type); !ok {
			return f, fmt.Errorf("channel: unknown type %q", c.Type)
		}
	}
	for _, s := range f.Funnel {
		if s.Outcome < orderActive || s.Outcome > orderFailed {
			return f, fmt.Errorf("funnel state %q: outcome must be 0, 1 or 2", s.Name)
		}
	}
	return f, nil
}

// Provision creates the tenant's project: keys, settings, channels, funnel,
// lists, managers, blocks and clients. It answers what a user needs next.
func (p *Platform) Provision(tx *store.Tx, s platform.Setup) (any, error) {
	f, err := decodeFixture(s.Fixture)
	if err != nil {
		return nil, err
	}
	pr, err := provisionProject(tx, s, f)
	if err != nil {
		return nil, err
	}
	main, err := putKey(tx, s.TenantID, KeySpec{Key: f.APIKey, Name: "Основной ключ", Legacy: true, Main: true}, s.Rand, s.Now)
	if err != nil {
		return nil, err
	}
	keys := []any{}
	for _, k := range f.Keys {
		obj, err := putKey(tx, s.TenantID, k, s.Rand, s.Now)
		if err != nil {
			return nil, err
		}
		keys = append(keys, obj)
	}
	channels, err := provisionChannels(tx, s, f.Channels)
	if err != nil {
		return nil, err
	}
	if err := provisionCatalogue(tx, s.TenantID, f); err != nil {
		return nil, err
	}
	for _, c := range f.Clients {
		if err := provisionClient(tx, pr, c, s.Now); err != nil {
			return nil, err
		}
	}
	if err := generateClients(tx, pr, s, f.Generate); err != nil {
		return nil, err
	}
	apiKey, _ := main.Get("key")
	first := channels[0].(jsonx.Object)
	channelID, _ := first.Get("id")
	groupID, _ := first.Get("group_id")
	return jsonx.Object{
		{Key: "api_key", Value: apiKey},
		{Key: "base_url", Value: s.BasePath + "/api/" + apiKey.(string)},
		{Key: "project_id", Value: pr.ID},
		{Key: "base_path", Value: "/salebot/api/" + apiKey.(string)},
		{Key: "channel_id", Value: channelID},
		{Key: "group_id", Value: groupID},
		{Key: "channels", Value: channels},
		{Key: "keys", Value: keys},
	}, nil
}

// provisionProject stores the project row with its settings and webhook.
func provisionProject(tx *store.Tx, s platform.Setup, f Fixture) (*project, error) {
	pr := &project{TenantID: s.TenantID, ID: f.ProjectID, Settings: defaultSettings(), Webhook: defaultWebhook()}
	if pr.ID <= 0 {
		pr.ID = 100000 + s.Rand.Int63n(900000)
	}
	if err := pr.Settings.patch(f.Settings); err != nil {
		return nil, err
	}
	if err := pr.Settings.check(); err != nil {
		return nil, err
	}
	if err := pr.Webhook.patch(f.Webhook); err != nil {
		return nil, err
	}
	var err error
	if pr.loc, err = clock.LoadLocation(pr.Settings.Timezone); err != nil {
		return nil, err
	}
	if err := saveProject(tx, pr, s.Now); err != nil {
		return nil, err
	}
	return pr, nil
}

// saveProject writes the project row (insert or update). Settings shape
// the answers to authentication, so cached keys are dropped.
func saveProject(tx *store.Tx, pr *project, now time.Time) error {
	tx.AuthChanged()
	settings, err := json.Marshal(pr.Settings)
	if err != nil {
		return err
	}
	hook, err := json.Marshal(pr.Webhook)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO sb_projects (tenant_id, id, settings, webhook, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET settings = excluded.settings, webhook = excluded.webhook`,
		pr.TenantID, pr.ID, string(settings), string(hook), store.Micros(now))
	return err
}

// provisionChannels connects the fixture's channels (or the default one)
// and lists them as the creation answer shows them.
func provisionChannels(tx *store.Tx, s platform.Setup, chans []FixtureChannel) ([]any, error) {
	if len(chans) == 0 {
		chans = []FixtureChannel{defaultChannel}
	}
	out := []any{}
	for _, c := range chans {
		ct, _ := clientTypeOf(c.Type)
		id, err := claimID(tx, "sb_channels", s.TenantID, c.ID, floorChannel)
		if err != nil {
			return nil, err
		}
		group := c.GroupID
		if len(group) == 0 || string(group) == "null" { // absent, or nil in a fixture written in Go
			group = defaultGroup(c, ct, id, s)
		}
		var text string
		if json.Unmarshal(group, &text) != nil {
			text = string(group) // a number
		}
		name := c.Name
		if name == "" {
			name = text
		}
		var status *int64
		if ct == typeWhatsApp {
			st := int64(1)
			if c.Status != nil {
				st = *c.Status
			}
			status = &st
		}
		enabled := c.Enabled == nil || *c.Enabled
		if _, err := tx.Exec(`INSERT INTO sb_channels (tenant_id, id, kind, client_type, group_id, group_json, name, enabled, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.TenantID, id, c.Type, ct, text, string(group), name, enabled, status); err != nil {
			return nil, err
		}
		out = append(out, jsonx.Object{{Key: "id", Value: id}, {Key: "type", Value: c.Type}, {Key: "client_type", Value: ct}, {Key: "group_id", Value: text}})
	}
	return out, nil
}

// defaultGroup makes up a channel's group id in its messenger's style.
func defaultGroup(c FixtureChannel, clientType int, id int64, s platform.Setup) json.RawMessage {
	switch clientType {
	case typeTelegram:
		if c.Name != "" {
			return mustJSON(c.Name)
		}
		return mustJSON(fmt.Sprintf("fakebots_%d_bot", id))
	case typeVK, typeOK:
		return mustJSON(fmt.Sprint(100000000 + s.Rand.Int63n(800000000)))
	case typeViber: // a number, as documented
		return mustJSON(1 + s.Rand.Int63n(100000))
	case typeWhatsApp:
		return mustJSON(newKeyValue(s.Rand)[:22] + "==")
	}
	return mustJSON(fmt.Sprintf("%s_%d", c.Type, id))
}

// provisionCatalogue stores the funnel (or the default one), lists,
// managers and blocks.
func provisionCatalogue(tx *store.Tx, tenantID string, f Fixture) error {
	funnel := f.Funnel
	if len(funnel) == 0 {
		funnel = defaultFunnel
	}
	for i, st := range funnel {
		id, err := claimID(tx, "sb_states", tenantID, st.ID, floorState)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO sb_states (tenant_id, id, name, position, outcome) VALUES (?, ?, ?, ?, ?)`, tenantID, id, st.Name, i, st.Outcome); err != nil {
			return err
		}
	}
	for _, l := range f.Lists {
		id, err := claimID(tx, "sb_lists", tenantID, l.ID, floorList)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO sb_lists (tenant_id, id, name) VALUES (?, ?, ?)`, tenantID, id, l.Name); err != nil {
			return err
		}
	}
	for _, m := range f.Managers {
		id, err := claimID(tx, "sb_managers", tenantID, m.ID, floorManager)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO sb_managers (tenant_id, id, email, name) VALUES (?, ?, ?, ?)`, tenantID, id, m.Email, m.Name); err != nil {
			return err
		}
	}
	for _, b := range f.Blocks {
		id, err := claimID(tx, "sb_blocks", tenantID, b.ID, floorBlock)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO sb_blocks (tenant_id, id, condition, answer, message_type, description) VALUES (?, ?, ?, ?, ?, ?)`,
			tenantID, id, b.Condition, b.Answer, b.MessageType, b.Description); err != nil {
			return err
		}
	}
	return nil
}
