package bothelp

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/store"
)

// subscriber is one stored subscriber with everything the API and the
// control API show.
type subscriber struct {
	ID                int64
	UserID            string
	CreatedAt         time.Time
	Subscribed        bool
	Name              string
	FirstName         string
	LastName          string
	Notes             string
	Email             string
	Phone             string
	ChannelName       string
	ChannelType       string
	UTMSource         string
	UTMMedium         string
	UTMCampaign       string
	UTMContent        string
	UTMTerm           string
	ProdamusProfileID string
	YaClientID        string
	Tags              []string
}

const subscriberColumns = `id, user_id, created_at, subscribed, name, first_name, last_name, notes, email, phone,
	channel_name, channel_type, utm_source, utm_medium, utm_campaign, utm_content, utm_term,
	prodamus_profile_id, ya_client_id, tags`

type scanner interface{ Scan(dest ...any) error }

func scanSubscriber(row scanner) (subscriber, error) {
	var s subscriber
	var created int64
	var tags string
	err := row.Scan(&s.ID, &s.UserID, &created, &s.Subscribed, &s.Name, &s.FirstName, &s.LastName, &s.Notes, &s.Email, &s.Phone,
		&s.ChannelName, &s.ChannelType, &s.UTMSource, &s.UTMMedium, &s.UTMCampaign, &s.UTMContent, &s.UTMTerm,
		&s.ProdamusProfileID, &s.YaClientID, &tags)
	if err != nil {
		return s, err
	}
	s.CreatedAt = store.FromMicros(created)
	return s, json.Unmarshal([]byte(tags), &s.Tags)
}

// insertSubscriber stores a new subscriber; an id of 0 takes the account's
// next one (ids are numbered per account, from 1), an empty user id one
// derived from the id.
func insertSubscriber(tx *store.Tx, tenantID string, s *subscriber, now time.Time) error {
	if s.ID == 0 {
		if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) + 1 FROM bh_subscribers WHERE tenant_id = ?`, tenantID).Scan(&s.ID); err != nil {
			return err
		}
	}
	if s.UserID == "" {
		s.UserID = derivedUserID(s.ChannelType, s.ID)
	}
	if s.Tags == nil {
		s.Tags = []string{}
	}
	tags, err := json.Marshal(s.Tags)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO bh_subscribers (tenant_id, id, user_id, created_at, subscribed, name, first_name, last_name, notes, email, phone, phone_digits,
		channel_name, channel_type, utm_source, utm_medium, utm_campaign, utm_content, utm_term, prodamus_profile_id, ya_client_id, tags, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tenantID, s.ID, s.UserID, store.Micros(s.CreatedAt), s.Subscribed, s.Name, s.FirstName, s.LastName, s.Notes, s.Email, s.Phone, digits(s.Phone),
		s.ChannelName, s.ChannelType, s.UTMSource, s.UTMMedium, s.UTMCampaign, s.UTMContent, s.UTMTerm, s.ProdamusProfileID, s.YaClientID, string(tags), store.Micros(now))
	return err
}

// loadProfile reads what JSON-Patch may change, the profile fields and tags,
// of the subscriber of the tenant with the id. The driver names every
// column of every query it runs, so a patch reads 8 columns, not 20.
func loadProfile(tx *store.Tx, tenantID string, id int64) (subscriber, error) {
	var s subscriber
	var tags string
	err := tx.QueryRow(`SELECT id, name, first_name, last_name, notes, email, phone, tags FROM bh_subscribers WHERE tenant_id = ? AND id = ?`, tenantID, id).
		Scan(&s.ID, &s.Name, &s.FirstName, &s.LastName, &s.Notes, &s.Email, &s.Phone, &tags)
	if errors.Is(err, sql.ErrNoRows) {
		return s, errSubscriberNotFound
	} else if err != nil {
		return s, err
	}
	return s, json.Unmarshal([]byte(tags), &s.Tags)
}

// saveProfile writes back what JSON-Patch may change: the profile fields and tags.
func saveProfile(tx *store.Tx, tenantID string, s subscriber, now time.Time) error {
	tags, err := json.Marshal(s.Tags)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`UPDATE bh_subscribers SET name = ?, first_name = ?, last_name = ?, notes = ?, email = ?, phone = ?, phone_digits = ?, tags = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ?`,
		s.Name, s.FirstName, s.LastName, s.Notes, s.Email, s.Phone, digits(s.Phone), string(tags), store.Micros(now), tenantID, s.ID)
	return err
}

// formatCUID is `<prefix>.<base36(id)>`: id 92 of account "1et0" is "1et0.2k".
func formatCUID(prefix string, id int64) string {
	return prefix + "." + strconv.FormatInt(id, 36)
}

// parseCUID returns the id of a CUID of the account with prefix. Only the
// canonical form (lowercase, no leading zeros) names a subscriber.
func parseCUID(prefix, cuid string) (int64, bool) {
	p, rest, ok := strings.Cut(cuid, ".")
	if !ok || p != prefix {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 36, 64)
	if err != nil || id <= 0 || formatCUID(prefix, id) != cuid {
		return 0, false
	}
	return id, true
}

// digits keeps the digits of a phone number, how the phone filter compares.
func digits(phone string) string {
	var b strings.Builder
	for _, c := range phone {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}
