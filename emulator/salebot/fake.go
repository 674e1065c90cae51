package salebot

import (
	"fmt"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/fakedata"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// generateClients makes up n clients with gofakeit (seeded, so the same
// fixture gives the same clients), spread over the channels and created
// over the 30 days before the tenant, oldest first. Each has phone and
// e-mail variables, the fixture's extra variables and a deal somewhere in
// the funnel.
func generateClients(tx *store.Tx, pr *project, s platform.Setup, g FixtureGenerate) error {
	if g.Clients <= 0 {
		return nil
	}
	chans, err := channelsOf(tx, pr.TenantID)
	if err != nil {
		return err
	}
	states, err := activeStates(tx, pr.TenantID)
	if err != nil {
		return err
	}
	f := s.Faker
	for i := 0; i < g.Clients; i++ {
		ch := chans[i%len(chans)]
		phone := fakedata.Phone(f)
		vars := map[string]any{"phone": phone, "email": strings.ToLower(f.Email())}
		if ch.ClientType == typeTelegram {
			vars["tg_username"] = "@" + strings.ToLower(f.Username())
		}
		for _, name := range g.Variables {
			vars[name] = f.Word()
		}
		created := s.Now.Add(-30 * 24 * time.Hour * time.Duration(g.Clients-i) / time.Duration(g.Clients))
		c, err := createClient(tx, pr, newClient{
			PlatformID: fakePlatformID(f, ch.ClientType, phone), ClientType: ch.ClientType, Group: ch.Group,
			Name: fakedata.Name(f), Variables: vars, CreatedAt: created,
		})
		if err != nil {
			return err
		}
		if len(states) > 0 {
			if err := placeDeal(tx, pr.TenantID, c.ID, states[f.Number(0, len(states)-1)], created); err != nil {
				return err
			}
		}
	}
	return nil
}

// fakePlatformID is a messenger id in the messenger's style.
func fakePlatformID(f *gofakeit.Faker, clientType int, phone string) string {
	switch clientType {
	case typeWhatsApp:
		return phone + whatsAppSuffix
	case typeTelephony:
		return phone
	case typeEmail:
		return strings.ToLower(f.Email())
	case typeViber:
		return f.LetterN(22) + "=="
	}
	return fmt.Sprint(f.Number(10000000, 999999999))
}

// activeStates are the funnel states a generated deal may be in.
func activeStates(q db, tenantID string) ([]state, error) {
	rows, err := q.Query(`SELECT id, position, outcome FROM sb_states WHERE tenant_id = ? AND outcome = ? ORDER BY position, id`, tenantID, orderActive)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []state
	for rows.Next() {
		var s state
		if err := rows.Scan(&s.ID, &s.Position, &s.Outcome); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// placeDeal moves the client's current deal (creating one if the project
// gives none) to a state.
func placeDeal(tx *store.Tx, tenantID string, clientID int64, st state, at time.Time) error {
	o, err := currentOrCreateOrder(tx, tenantID, clientID, at)
	if err != nil {
		return err
	}
	return moveOrder(tx, tenantID, o.ID, st, at)
}
