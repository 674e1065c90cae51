package cleverapp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/fakedata"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// FixtureContacts is a bot's contacts in a fixture: how many to generate,
// or a list of contacts spelled out.
type FixtureContacts struct {
	Count int
	List  []FixtureContact
}

// MarshalJSON writes the list when there is one, else the count.
func (c FixtureContacts) MarshalJSON() ([]byte, error) {
	if c.List != nil {
		return json.Marshal(c.List)
	}
	return json.Marshal(c.Count)
}

func (c *FixtureContacts) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		return platform.DecodeStrict(b, &c.List)
	}
	if err := json.Unmarshal(b, &c.Count); err != nil || c.Count < 0 {
		return fmt.Errorf("contacts must be a count or a list of contacts")
	}
	return nil
}

// FixtureContact is a contact spelled out; what it leaves out is generated
// (a name, the messenger's id).
//
//	contacts:
//	  - name: Петр Петров
//	    telegram_id: "1002"           # the messenger's id (phone for WhatsApp and ICQ)
//	    created_at: 2019-05-10T10:38:25+00:00
//	    referrer: Василий Васильев     # who invited: an earlier contact of the bot, by name
//	    tags: [Горячий]
//	    variables: {Город: Москва}
type FixtureContact struct {
	Name             string            `json:"name"`
	Phone            string            `json:"phone"`
	Email            string            `json:"email"`
	TelegramID       string            `json:"telegram_id"`
	TelegramUsername string            `json:"telegram_username"`
	ViberID          string            `json:"viber_id"`
	VKID             string            `json:"vk_id"`
	Address          string            `json:"address"`
	CreatedAt        *time.Time        `json:"created_at"`
	Referrer         string            `json:"referrer"`
	Tags             []string          `json:"tags"`
	Variables        map[string]string `json:"variables"`
}

// provisionContacts creates a bot's contacts: the listed ones in order, or
// the generated ones spread over the 30 days before the tenant, oldest
// first, forming an invite tree when the bot asks for referrals (contact n
// invited by contact (n-1)/referrals, so the tree is the same every time).
func (p *Platform) provisionContacts(tx *store.Tx, s platform.Setup, botID int64, b FixtureBot) error {
	var ids []int64
	byName := map[string]int64{}
	for _, c := range b.Contacts.List {
		var referrer any
		if c.Referrer != "" {
			id, ok := byName[c.Referrer]
			if !ok {
				return fmt.Errorf("bot %q: contact %q: referrer %q is not an earlier contact of the bot", b.Name, c.Name, c.Referrer)
			}
			referrer = id
		}
		id, err := p.listedContact(tx, s, botID, b.Messenger, c, referrer)
		if err != nil {
			return err
		}
		byName[c.Name] = id
		ids = append(ids, id)
	}
	for n := 0; n < b.Contacts.Count; n++ {
		var referrer any
		if b.Referrals > 0 && n > 0 {
			referrer = ids[(n-1)/b.Referrals]
		}
		created := s.Now.Add(-30 * 24 * time.Hour * time.Duration(b.Contacts.Count-n) / time.Duration(b.Contacts.Count))
		id, err := p.generateContact(tx, s, botID, b, created, referrer)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		if err := provisionAccounts(tx, s, p.brand.Name, id, b); err != nil {
			return err
		}
	}
	return nil
}

// externalIDs generates the messenger's id of a contact: telegram id and
// username, viber id or vk id (WhatsApp and ICQ go by phone).
func externalIDs(s platform.Setup, messenger string) (tgID, tgUser, viberID, vkID string) {
	f := s.Faker
	switch messenger {
	case "telegram":
		tgID, tgUser = strconv.Itoa(100000000+f.Number(0, 899999999)), f.Username()
	case "viber":
		viberID = f.LetterN(22) + "=="
	case "vk":
		vkID = strconv.Itoa(f.Number(1000000, 799999999))
	}
	return
}

// orNull stores "" as NULL.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

const insertContact = `INSERT INTO ca_contacts (tenant_id, brand, bot_id, name, messenger, phone, email, telegram_id, telegram_username, viber_id, vk_id, address, utm, referrer_id, created_at, updated_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// listedContact creates a contact a fixture spells out.
func (p *Platform) listedContact(tx *store.Tx, s platform.Setup, botID int64, messenger string, c FixtureContact, referrer any) (int64, error) {
	if c.Name == "" {
		c.Name = fakedata.Name(s.Faker)
	}
	tgID, tgUser, viberID, vkID := externalIDs(s, messenger)
	pick := func(given, generated string) any {
		if given != "" {
			return given
		}
		return orNull(generated)
	}
	phone := normalizePhone(c.Phone)
	if phone == "" && (messenger == "whatsapp" || messenger == "icq") {
		phone = fakedata.Phone(s.Faker)
	}
	created := s.Now
	if c.CreatedAt != nil {
		created = c.CreatedAt.UTC()
	}
	at := store.Micros(created)
	id, err := tx.Insert(insertContact, s.TenantID, p.brand.Name, botID, c.Name, messenger, orNull(phone), orNull(c.Email),
		pick(c.TelegramID, tgID), pick(c.TelegramUsername, tgUser), pick(c.ViberID, viberID), pick(c.VKID, vkID),
		orNull(c.Address), nil, referrer, at, at)
	if err != nil {
		return 0, err
	}
	for _, tag := range c.Tags {
		if err := p.attachTag(tx, s.TenantID, botID, id, 0, tag, created); err != nil {
			return 0, err
		}
	}
	names := make([]string, 0, len(c.Variables))
	for name := range c.Variables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := storeVariable(tx, s.TenantID, botID, id, name, c.Variables[name], false, created); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// generateContact makes one fake contact of a bot, with values for the
// bot's variables and some of its tags.
func (p *Platform) generateContact(tx *store.Tx, s platform.Setup, botID int64, b FixtureBot, created time.Time, referrer any) (int64, error) {
	f := s.Faker
	phone := fakedata.Phone(f)
	tgID, tgUser, viberID, vkID := externalIDs(s, b.Messenger)
	var utm any
	if f.Bool() {
		utm = fmt.Sprintf(`{"utm_source":%q,"utm_medium":"cpc","utm_campaign":%q,"utm_term":null,"utm_content":null}`,
			f.RandomString([]string{"yandex", "vk", "telegram", "landing"}), f.RandomString([]string{"spring_sale", "welcome", "retarget"}))
	}
	at := store.Micros(created)
	contactID, err := tx.Insert(insertContact, s.TenantID, p.brand.Name, botID, fakedata.Name(f), b.Messenger, phone, f.Email(),
		orNull(tgID), orNull(tgUser), orNull(viberID), orNull(vkID), fakedata.Address(f), utm, referrer, at, at)
	if err != nil {
		return 0, err
	}
	for _, name := range b.Variables {
		if _, err := storeVariable(tx, s.TenantID, botID, contactID, name, fakeVariable(f, name), false, created); err != nil {
			return 0, err
		}
	}
	for _, tag := range b.Tags {
		if f.Number(0, 2) == 0 {
			if _, err := tx.Exec(`INSERT INTO ca_contact_tags (contact_id, tag_id, created_at) SELECT ?, id, ? FROM ca_tags WHERE bot_id = ? AND name = ?`,
				contactID, at, botID, tag); err != nil {
				return 0, err
			}
		}
	}
	return contactID, nil
}

// provisionAccounts opens the bot's money and crypto accounts for a contact
// with generated balances: whole roubles (or dollars ...) and up to half a coin.
func provisionAccounts(tx *store.Tx, s platform.Setup, brand string, contactID int64, b FixtureBot) error {
	for _, code := range b.Accounts {
		if _, err := openAccount(tx, moneyAccounts, s.TenantID, brand, contactID, strings.ToUpper(code), float64(s.Faker.Number(0, 5000)*100), s.Now); err != nil {
			return err
		}
	}
	for _, code := range b.CryptoAccounts {
		if _, err := openAccount(tx, cryptoAccounts, s.TenantID, brand, contactID, strings.ToUpper(code), roundCrypto(s.Faker.Float64Range(0, 0.5)), s.Now); err != nil {
			return err
		}
	}
	return nil
}
