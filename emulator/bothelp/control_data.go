package bothelp

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// queryInt reads an optional non-negative integer of the control query.
func queryInt(c *platform.ControlRequest, name string, def int64) (int64, error) {
	s := c.HTTP.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, platform.BadControlRequest("%s must be a non-negative integer", name)
	}
	return n, nil
}

// ctlSubscribers lists subscribers in the control form, `limit` (default
// 100, at most 1000) after the id `after`.
func (p *Platform) ctlSubscribers(c *platform.ControlRequest) (int, any, error) {
	after, err := queryInt(c, "after", 0)
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(c, "limit", 100)
	if err != nil || limit < 1 || limit > 1000 {
		return 0, nil, platform.BadControlRequest("limit must be between 1 and 1000")
	}
	ctx := c.HTTP.Context()
	acc, err := loadAccount(p.reader(ctx), c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	rows, err := c.Env.Store.Query(ctx, `SELECT `+subscriberColumns+` FROM bh_subscribers WHERE tenant_id = ? AND id > ? ORDER BY id LIMIT ?`, c.TenantID, after, limit)
	if err != nil {
		return 0, nil, err
	}
	var subs []subscriber
	for rows.Next() {
		s, err := scanSubscriber(rows)
		if err != nil {
			rows.Close()
			return 0, nil, err
		}
		subs = append(subs, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	out := make([]ControlSubscriber, len(subs))
	for i, s := range subs {
		fields, err := p.customFields(ctx, c.TenantID, s.ID)
		if err != nil {
			return 0, nil, err
		}
		out[i] = controlView(s, acc.Prefix, fields)
	}
	return http.StatusOK, map[string]any{"data": out}, nil
}

func (p *Platform) customFields(ctx context.Context, tenantID string, id int64) (map[string]string, error) {
	rows, err := p.store().Query(ctx, `SELECT name, value FROM bh_custom_fields WHERE tenant_id = ? AND subscriber_id = ?`, tenantID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, value string
		if err := rows.Scan(&name, &value); err != nil {
			return nil, err
		}
		out[name] = value
	}
	return out, rows.Err()
}

// ctlCreateSubscribers creates {"subscribers": [...]} as given, then
// {"generate": {...}} fake ones, and answers them all in the control form.
func (p *Platform) ctlCreateSubscribers(c *platform.ControlRequest) (int, any, error) {
	var body struct {
		Subscribers []ControlSubscriber `json:"subscribers"`
		Generate    GenerateSpec        `json:"generate"`
	}
	if err := c.Decode(&body); err != nil {
		return 0, nil, err
	}
	if body.Generate.Count < 0 || body.Generate.Count > 100000 {
		return 0, nil, platform.BadControlRequest("generate.count must be between 0 and 100000")
	}
	all := append(body.Subscribers, body.Generate.subscribers(gofakeit.New(0), c.Now)...)
	out := make([]ControlSubscriber, 0, len(all))
	err := c.Write(func(tx *store.Tx) error {
		acc, err := loadAccount(tx.QueryRow, c.TenantID)
		if err != nil {
			return err
		}
		for i, in := range all {
			s, err := createSubscriber(tx, c.TenantID, in, c.Now)
			if err != nil {
				return platform.BadControlRequest("subscriber %d: %v", i+1, err)
			}
			out = append(out, controlView(s, acc.Prefix, in.CustomFields))
		}
		return nil
	})
	return http.StatusCreated, map[string]any{"data": out}, err
}

// subscriberDetail is one subscriber with what the API did to it. The
// running bots and funnels replay its actions, known referrals or not.
type subscriberDetail struct {
	ControlSubscriber
	RunningBots []string     `json:"running_bots"`
	Funnels     []string     `json:"funnels"`
	Actions     []actionView `json:"actions"`
}

func (p *Platform) ctlSubscriber(c *platform.ControlRequest) (int, any, error) {
	ctx := c.HTTP.Context()
	id, err := strconv.ParseInt(c.Vars["id"], 10, 64)
	if err != nil {
		return 0, nil, platform.ControlNotFound("no subscriber %s", c.Vars["id"])
	}
	acc, err := loadAccount(p.reader(ctx), c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	s, err := loadSubscriberByID(p.reader(ctx), c.TenantID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, platform.ControlNotFound("no subscriber %d", id)
	} else if err != nil {
		return 0, nil, err
	}
	d, err := p.detail(ctx, c.TenantID, acc.Prefix, s)
	return http.StatusOK, d, err
}

// detail is a subscriber with custom fields, actions, running bots and funnels.
func (p *Platform) detail(ctx context.Context, tenantID, prefix string, s subscriber) (subscriberDetail, error) {
	fields, err := p.customFields(ctx, tenantID, s.ID)
	if err != nil {
		return subscriberDetail{}, err
	}
	actions, err := p.actions(ctx, tenantID, s.ID, "")
	if err != nil {
		return subscriberDetail{}, err
	}
	d := subscriberDetail{ControlSubscriber: controlView(s, prefix, fields), RunningBots: []string{}, Funnels: []string{}, Actions: actions}
	for _, a := range actions {
		switch a.Kind {
		case actionBotRun:
			d.RunningBots = addOnce(d.RunningBots, a.Referral)
		case actionBotStop:
			d.RunningBots = slices.DeleteFunc(d.RunningBots, func(r string) bool { return r == a.Referral })
		case actionFunnelAdd:
			d.Funnels = addOnce(d.Funnels, a.Referral)
		case actionFunnelRemove:
			d.Funnels = slices.DeleteFunc(d.Funnels, func(r string) bool { return r == a.Referral })
		}
	}
	return d, nil
}

func addOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// actionView is one recorded bot or funnel action.
type actionView struct {
	ID           int64     `json:"id"`
	SubscriberID int64     `json:"subscriber_id"`
	Operation    string    `json:"operation"`
	Kind         string    `json:"kind"`
	Referral     string    `json:"referral"`
	StepReferral string    `json:"step_referral"`
	Known        bool      `json:"known"`
	CreatedAt    time.Time `json:"created_at"`
}

// actions lists a tenant's actions, of one subscriber (id > 0) and one kind
// when asked, oldest first.
func (p *Platform) actions(ctx context.Context, tenantID string, subscriberID int64, kind string) ([]actionView, error) {
	rows, err := p.store().Query(ctx, `SELECT id, subscriber_id, operation, kind, referral, step_referral, known, created_at FROM bh_actions
		WHERE tenant_id = ? AND (? = 0 OR subscriber_id = ?) AND (? = '' OR kind = ?) ORDER BY id`,
		tenantID, subscriberID, subscriberID, kind, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []actionView{}
	for rows.Next() {
		var a actionView
		var created int64
		if err := rows.Scan(&a.ID, &a.SubscriberID, &a.Operation, &a.Kind, &a.Referral, &a.StepReferral, &a.Known, &created); err != nil {
			return nil, err
		}
		a.CreatedAt = store.FromMicros(created)
		out = append(out, a)
	}
	return out, rows.Err()
}

func (p *Platform) ctlActions(c *platform.ControlRequest) (int, any, error) {
	id, err := queryInt(c, "subscriber", 0)
	if err != nil {
		return 0, nil, err
	}
	actions, err := p.actions(c.HTTP.Context(), c.TenantID, id, c.HTTP.URL.Query().Get("kind"))
	return http.StatusOK, map[string]any{"data": actions}, err
}

func (p *Platform) ctlBots(c *platform.ControlRequest) (int, any, error) {
	ctx := c.HTTP.Context()
	bots, err := p.items(ctx, `SELECT title, referral FROM bh_bots WHERE tenant_id = ? ORDER BY rowid`, c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	out := make([]botView, len(bots))
	for i, b := range bots {
		steps, err := p.items(ctx, `SELECT title, referral FROM bh_steps WHERE tenant_id = ? AND bot_referral = ? ORDER BY rowid`, c.TenantID, b.Referral)
		if err != nil {
			return 0, nil, err
		}
		out[i] = botView{Title: b.Title, Referral: b.Referral, Steps: steps}
	}
	return http.StatusOK, map[string]any{"data": out}, nil
}

func (p *Platform) ctlFunnels(c *platform.ControlRequest) (int, any, error) {
	funnels, err := p.items(c.HTTP.Context(), `SELECT title, referral FROM bh_funnels WHERE tenant_id = ? ORDER BY rowid`, c.TenantID)
	return http.StatusOK, map[string]any{"data": funnels}, err
}

// controlRefs gives control-made referrals from the clock, a millisecond apart.
func controlRefs(now time.Time) *referralSource { return &referralSource{ms: now.UnixMilli()} }

func (p *Platform) ctlCreateBot(c *platform.ControlRequest) (int, any, error) {
	var body BotSpec
	if err := c.Decode(&body); err != nil {
		return 0, nil, err
	}
	var view botView
	err := c.Write(func(tx *store.Tx) (err error) {
		view, err = createBot(tx, c.TenantID, body, controlRefs(c.Now), c.Now)
		return err
	})
	return http.StatusCreated, view, err
}

func (p *Platform) ctlCreateFunnel(c *platform.ControlRequest) (int, any, error) {
	var body ItemSpec
	if err := c.Decode(&body); err != nil {
		return 0, nil, err
	}
	var view item
	err := c.Write(func(tx *store.Tx) (err error) {
		view, err = createFunnel(tx, c.TenantID, body, controlRefs(c.Now), c.Now)
		return err
	})
	return http.StatusCreated, view, err
}
