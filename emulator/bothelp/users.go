package bothelp

import (
	"cmp"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// The account's subscribers are the control API's end users. The API has
// no webhook and no way to read what a subscriber writes, and the emulator
// runs no bot, so what users do is kept in the inbox (bh_inbound), seen
// only through the control API; the API's messages carry no buttons, so
// there is nothing to press.
var _ platform.Audience = (*Platform)(nil)

var inbox = platform.Inbox{
	Platform: Name, Table: "bh_inbound",
	Subscribed: func(tx *store.Tx, tenantID string, id int64) (bool, error) {
		s, err := userSubscriber(tx.QueryRow, tenantID, id)
		return s.Subscribed, err
	},
	SetSubscribed: func(tx *store.Tx, tenantID string, id int64, subscribed bool, at time.Time) error {
		_, err := tx.Exec(`UPDATE bh_subscribers SET subscribed = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			subscribed, store.Micros(at), tenantID, id)
		return err
	},
}

// Users lists subscribers; q matches the names, phone, e-mail, messenger
// user id, id and CUID.
func (p *Platform) Users(c *platform.ControlRequest, q platform.UserQuery) ([]platform.User, error) {
	ctx := c.HTTP.Context()
	acc, err := loadAccount(p.reader(ctx), c.TenantID)
	if err != nil {
		return nil, err
	}
	rows, err := p.store().Query(ctx, `SELECT `+subscriberColumns+` FROM bh_subscribers WHERE tenant_id = ? AND id > ? ORDER BY id`, c.TenantID, q.After)
	return platform.UserPage(rows, err, q.Limit, func(rows *sql.Rows) (subscriber, error) { return scanSubscriber(rows) },
		func(s subscriber) bool {
			return platform.Matches(q.Q, []string{s.Phone}, s.Name, s.FirstName, s.LastName, s.Email, s.UserID,
				strconv.FormatInt(s.ID, 10), formatCUID(acc.Prefix, s.ID))
		},
		func(s subscriber) (platform.User, error) { return p.userOf(c, acc.Prefix, s) })
}

// User is a subscriber as GET …/bothelp/subscribers/{id} shows them.
func (p *Platform) User(c *platform.ControlRequest, id int64) (platform.User, error) {
	ctx := c.HTTP.Context()
	acc, err := loadAccount(p.reader(ctx), c.TenantID)
	if err != nil {
		return platform.User{}, err
	}
	s, err := userSubscriber(p.reader(ctx), c.TenantID, id)
	if err != nil {
		return platform.User{}, err
	}
	return p.userOf(c, acc.Prefix, s)
}

// userSubscriber is the tenant's subscriber id, or the control API's 404.
func userSubscriber(q rowQuerier, tenantID string, id int64) (subscriber, error) {
	s, err := loadSubscriberByID(q, tenantID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return s, platform.UserNotFound(id)
	}
	return s, err
}

func (p *Platform) userOf(c *platform.ControlRequest, prefix string, s subscriber) (platform.User, error) {
	d, err := p.detail(c.HTTP.Context(), c.TenantID, prefix, s)
	return platform.User{
		ID: s.ID, Name: s.Name, Messenger: s.ChannelType, Phone: s.Phone,
		CreatedAt: s.CreatedAt, Subscribed: s.Subscribed, Platform: d,
	}, err
}

// CreateUser makes a subscriber of a channel (messenger is its type, bot
// its name), as POST …/bothelp/subscribers does; platform_id is the
// messenger user id, derived from the id when left out.
func (p *Platform) CreateUser(c *platform.ControlRequest, u platform.NewUser) (platform.User, error) {
	if _, known := channelNames[u.Messenger]; u.Messenger != "" && !known {
		return platform.User{}, platform.BadControlRequest("unknown messenger %q (telegram, facebook, instagram, vk, whatsapp, viber)", u.Messenger)
	}
	var s subscriber
	err := c.Write(func(tx *store.Tx) error {
		var id int64
		if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) + 1 FROM bh_subscribers WHERE tenant_id = ?`, c.TenantID).Scan(&id); err != nil {
			return err
		}
		u.Generate(platform.UserFaker(c.TenantID, Name, id))
		in := ControlSubscriber{ID: id, UserID: u.PlatformID, Name: u.Name, Email: u.Email, Phone: u.Phone, ChannelType: u.Messenger, ChannelName: u.Bot}
		if in.UserID != "" {
			var old int64
			err := tx.QueryRow(`SELECT id FROM bh_subscribers WHERE tenant_id = ? AND user_id = ? AND channel_type = ?`,
				c.TenantID, in.UserID, cmp.Or(in.ChannelType, defaultChannelType)).Scan(&old)
			if err == nil {
				return &platform.ControlError{Status: http.StatusConflict, Message: fmt.Sprintf("subscriber %d already has user_id %s", old, in.UserID)}
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		var err error
		s, err = createSubscriber(tx, c.TenantID, in, c.Now)
		return err
	})
	if err != nil {
		return platform.User{}, err
	}
	return p.User(c, s.ID)
}

// Thread is what the API sent the subscriber (images from the payload) and
// what the subscriber did, oldest first.
func (p *Platform) Thread(c *platform.ControlRequest, id int64) ([]platform.Event, error) {
	if _, err := userSubscriber(p.reader(c.HTTP.Context()), c.TenantID, id); err != nil {
		return nil, err
	}
	return inbox.Thread(c, id, func(payload json.RawMessage) []platform.Attachment {
		var sent struct{ URL string }
		json.Unmarshal(payload, &sent) // written by sendMessages; anything else has no attachments
		if sent.URL == "" {
			return nil
		}
		return []platform.Attachment{platform.NewAttachment("image", sent.URL)}
	})
}

// Act keeps what the subscriber did in the inbox: no bot runs, and the
// API hears nothing of it.
func (p *Platform) Act(c *platform.ControlRequest, id int64, a platform.Action) (platform.Reaction, error) {
	return inbox.Act(c, id, a)
}

// SetSubscribed changes the subscriber's subscribed flag, which the API
// shows; messages the API sends an unsubscribed subscriber fail (inferred).
func (p *Platform) SetSubscribed(c *platform.ControlRequest, id int64, subscribed bool) (platform.User, error) {
	if err := inbox.Subscribe(c, id, subscribed); err != nil {
		return platform.User{}, err
	}
	return p.User(c, id)
}
