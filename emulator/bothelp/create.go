package bothelp

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/store"
)

// The API cannot create bots, steps, funnels or subscribers; fixtures and
// the control API do, through the functions of this file.

// ItemSpec is a step or funnel to create. In fixtures it may be just its title.
type ItemSpec struct {
	Title    string `json:"title"`
	Referral string `json:"referral,omitempty"`
}

func (it *ItemSpec) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &it.Title)
	}
	type plain ItemSpec
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(it))
}

// BotSpec is a bot to create, with its steps in order.
type BotSpec struct {
	Title    string     `json:"title"`
	Referral string     `json:"referral,omitempty"`
	Steps    []ItemSpec `json:"steps,omitempty"`
}

// botView is a created bot as fixtures and the control API report it.
type botView struct {
	Title    string `json:"title"`
	Referral string `json:"referral"`
	Steps    []item `json:"steps"`
}

// referralSource hands out referrals shaped like the live ones: 13-digit
// millisecond timestamps moving forward, "c"-prefixed for bots. With a
// seeded rnd the gaps vary (fixtures, stable across resets); without, they
// are one millisecond (the control API).
type referralSource struct {
	ms  int64
	rnd *rand.Rand
}

func (g *referralSource) draw(prefix string) string {
	step := int64(1)
	if g.rnd != nil {
		step += g.rnd.Int63n(3_600_000)
	}
	g.ms += step
	return prefix + strconv.FormatInt(g.ms, 10)
}

// claim returns wanted when given and free, else a fresh referral that
// exists() does not know. A wanted referral that is taken is an error.
func (g *referralSource) claim(wanted, prefix string, exists func(string) (bool, error)) (string, error) {
	if wanted != "" {
		taken, err := exists(wanted)
		if err == nil && taken {
			err = fmt.Errorf("referral %q already exists", wanted)
		}
		return wanted, err
	}
	for {
		ref := g.draw(prefix)
		if taken, err := exists(ref); err != nil || !taken {
			return ref, err
		}
	}
}

// existsIn is an exists() for claim: whether query finds a row.
func existsIn(tx *store.Tx, query string, args ...any) func(string) (bool, error) {
	return func(ref string) (bool, error) {
		var one int
		err := tx.QueryRow(query, append(args, ref)...).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
}

// createBot stores a bot and its steps.
func createBot(tx *store.Tx, tenantID string, b BotSpec, refs *referralSource, now time.Time) (botView, error) {
	if b.Title == "" {
		return botView{}, errors.New("a bot needs a title")
	}
	ref, err := refs.claim(b.Referral, "c", existsIn(tx, `SELECT 1 FROM bh_bots WHERE tenant_id = ? AND referral = ?`, tenantID))
	if err != nil {
		return botView{}, err
	}
	if _, err := tx.Exec(`INSERT INTO bh_bots (tenant_id, referral, title, created_at) VALUES (?, ?, ?, ?)`, tenantID, ref, b.Title, store.Micros(now)); err != nil {
		return botView{}, err
	}
	view := botView{Title: b.Title, Referral: ref, Steps: []item{}}
	stepExists := existsIn(tx, `SELECT 1 FROM bh_steps WHERE tenant_id = ? AND bot_referral = ? AND referral = ?`, tenantID, ref)
	for _, st := range b.Steps {
		if st.Title == "" {
			return botView{}, fmt.Errorf("bot %q: a step needs a title", b.Title)
		}
		stepRef, err := refs.claim(st.Referral, "", stepExists)
		if err != nil {
			return botView{}, err
		}
		if _, err := tx.Exec(`INSERT INTO bh_steps (tenant_id, bot_referral, referral, title) VALUES (?, ?, ?, ?)`, tenantID, ref, stepRef, st.Title); err != nil {
			return botView{}, err
		}
		view.Steps = append(view.Steps, item{Title: st.Title, Referral: stepRef})
	}
	return view, nil
}

// createFunnel stores a funnel. The format of live funnel referrals is
// unknown; they get bare timestamps like steps (inferred).
func createFunnel(tx *store.Tx, tenantID string, f ItemSpec, refs *referralSource, now time.Time) (item, error) {
	if f.Title == "" {
		return item{}, errors.New("a funnel needs a title")
	}
	ref, err := refs.claim(f.Referral, "", existsIn(tx, `SELECT 1 FROM bh_funnels WHERE tenant_id = ? AND referral = ?`, tenantID))
	if err != nil {
		return item{}, err
	}
	_, err = tx.Exec(`INSERT INTO bh_funnels (tenant_id, referral, title, created_at) VALUES (?, ?, ?, ?)`, tenantID, ref, f.Title, store.Micros(now))
	return item{Title: f.Title, Referral: ref}, err
}

// createSubscriber stores a subscriber from its control form, with its
// custom fields, and returns it as stored.
func createSubscriber(tx *store.Tx, tenantID string, in ControlSubscriber, now time.Time) (subscriber, error) {
	s, err := in.model(now)
	if err != nil {
		return s, err
	}
	if s.ID != 0 {
		if _, err := loadSubscriberByID(tx.QueryRow, tenantID, s.ID); err == nil {
			return s, fmt.Errorf("subscriber %d already exists", s.ID)
		}
	}
	if err := insertSubscriber(tx, tenantID, &s, now); err != nil {
		return s, err
	}
	for name, value := range in.CustomFields {
		if err := setCustomField(tx, tenantID, s.ID, name, value, now); err != nil {
			return s, err
		}
	}
	return s, nil
}
