package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Micros is how the store keeps instants: unix microseconds.
func Micros(t time.Time) int64 { return t.UnixMicro() }

// FromMicros turns a stored instant back into UTC time.
func FromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// Tenant is one isolated namespace of state.
type Tenant struct {
	ID        string    `json:"id"`
	Seed      int64     `json:"seed"`
	FakerSeed int64     `json:"faker_seed"`
	Fixture   string    `json:"fixture,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// ControlToken opens the tenant's own control endpoints (never listed).
	ControlToken string `json:"-"`
}

// InsertTenant creates the tenant row.
func (t *Tx) InsertTenant(tn Tenant) error {
	t.AuthChanged()
	t.deleted = slices.DeleteFunc(t.deleted, func(id string) bool { return id == tn.ID }) // created again: it stays
	_, err := t.Exec(`INSERT INTO tenants (id, seed, faker_seed, fixture, created_at, control_token) VALUES (?, ?, ?, ?, ?, ?)`,
		tn.ID, tn.Seed, tn.FakerSeed, tn.Fixture, Micros(tn.CreatedAt), tn.ControlToken)
	return err
}

// SetTenantInfo keeps the tenant's creation answer.
func (t *Tx) SetTenantInfo(id string, info []byte) error {
	_, err := t.Exec(`UPDATE tenants SET info = ? WHERE id = ?`, string(info), id)
	return err
}

// TenantInfo reads the tenant's creation answer.
func (s *Store) TenantInfo(ctx context.Context, id string) (json.RawMessage, error) {
	var info string
	err := s.QueryRow(ctx, `SELECT info FROM tenants WHERE id = ?`, id).Scan(&info)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return json.RawMessage(info), err
}

// DeleteTenant removes the tenant and, by cascade, all its state.
func (t *Tx) DeleteTenant(id string) (bool, error) {
	t.AuthChanged()
	t.deleted = append(t.deleted, id)
	res, err := t.Exec(`DELETE FROM tenants WHERE id = ?`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Tenant reads one tenant.
func (s *Store) Tenant(ctx context.Context, id string) (Tenant, error) {
	var tn Tenant
	var created int64
	err := s.QueryRow(ctx, `SELECT id, seed, faker_seed, fixture, created_at, control_token FROM tenants WHERE id = ?`, id).
		Scan(&tn.ID, &tn.Seed, &tn.FakerSeed, &tn.Fixture, &created, &tn.ControlToken)
	if errors.Is(err, sql.ErrNoRows) {
		return tn, ErrNotFound
	}
	tn.CreatedAt = FromMicros(created)
	return tn, err
}

// TenantByControlToken finds the tenant a control token belongs to.
func (s *Store) TenantByControlToken(ctx context.Context, token string) (string, error) {
	var id string
	err := s.QueryRow(ctx, `SELECT id FROM tenants WHERE control_token = ? AND control_token != ''`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return id, err
}

// Tenants lists every tenant, oldest first.
func (s *Store) Tenants(ctx context.Context) ([]Tenant, error) {
	rows, err := s.Query(ctx, `SELECT id, seed, faker_seed, fixture, created_at FROM tenants ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Tenant{}
	for rows.Next() {
		var tn Tenant
		var created int64
		if err := rows.Scan(&tn.ID, &tn.Seed, &tn.FakerSeed, &tn.Fixture, &created); err != nil {
			return nil, err
		}
		tn.CreatedAt = FromMicros(created)
		out = append(out, tn)
	}
	return out, rows.Err()
}

// Credential is a secret a client presents to one platform.
type Credential struct {
	Platform  string          `json:"platform"`
	Secret    string          `json:"secret"`
	TenantID  string          `json:"tenant_id"`
	Kind      string          `json:"kind"`
	Data      json.RawMessage `json:"data"`
	CreatedAt time.Time       `json:"created_at"`
}

// PutCredential stores a credential, replacing one with the same secret.
func (t *Tx) PutCredential(c Credential) error {
	t.AuthChanged()
	data := c.Data
	if len(data) == 0 {
		data = json.RawMessage(`{}`)
	}
	_, err := t.Exec(`INSERT OR REPLACE INTO credentials (platform, secret, tenant_id, kind, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.Platform, c.Secret, c.TenantID, c.Kind, string(data), Micros(c.CreatedAt))
	return err
}

// DeleteCredential revokes a credential of a tenant.
func (t *Tx) DeleteCredential(tenantID, platform, secret string) (bool, error) {
	t.AuthChanged()
	res, err := t.Exec(`DELETE FROM credentials WHERE tenant_id = ? AND platform = ? AND secret = ?`, tenantID, platform, secret)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Credential resolves a secret presented to platform.
func (s *Store) Credential(ctx context.Context, platform, secret string) (Credential, error) {
	c := Credential{Platform: platform, Secret: secret}
	var data string
	var created int64
	err := s.QueryRow(ctx, `SELECT tenant_id, kind, data, created_at FROM credentials WHERE platform = ? AND secret = ?`, platform, secret).
		Scan(&c.TenantID, &c.Kind, &data, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	c.Data = json.RawMessage(data)
	c.CreatedAt = FromMicros(created)
	return c, err
}

// Credentials lists a tenant's credentials for platform ("" for all), in the order they were made.
func (s *Store) Credentials(ctx context.Context, tenantID, platform string) ([]Credential, error) {
	rows, err := s.Query(ctx, `SELECT platform, secret, kind, data, created_at FROM credentials
		WHERE tenant_id = ? AND (? = '' OR platform = ?) ORDER BY created_at, rowid`, tenantID, platform, platform)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Credential{}
	for rows.Next() {
		c := Credential{TenantID: tenantID}
		var data string
		var created int64
		if err := rows.Scan(&c.Platform, &c.Secret, &c.Kind, &data, &created); err != nil {
			return nil, err
		}
		c.Data = json.RawMessage(data)
		c.CreatedAt = FromMicros(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// IsConstraint reports whether err is SQLite refusing a row for a constraint
// (unique, foreign key, not null, check): the data was wrong, not the store.
func IsConstraint(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

// IsStoreError reports whether err came from the database rather than from
// the data handed to it being refused by a platform's own checks.
func IsStoreError(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, sql.ErrTxDone)
}
