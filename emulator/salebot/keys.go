package salebot

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/store"
)

// KeySpec is a key to create: the fixture's keys and the control API's
// POST keys take this shape.
type KeySpec struct {
	Key         string   `json:"key"`  // wanted value; taken or empty → generated
	Name        string   `json:"name"` // the label shown in the project's settings
	Permissions []string `json:"permissions"`
	Main        bool     `json:"main"`
	Legacy      bool     `json:"legacy"` // an old-style key: every permission
}

func (k KeySpec) check() error {
	for _, perm := range k.Permissions {
		if !validPermission(perm) {
			return fmt.Errorf("key %q: unknown permission %q (known: %v)", k.Name, perm, permissions)
		}
	}
	if !k.Legacy && len(k.Permissions) == 0 {
		return fmt.Errorf("key %q: give it permissions (%v) or make it legacy", k.Name, permissions)
	}
	return nil
}

// newKeyValue is 32 lowercase hex characters, the format of Salebot's keys.
func newKeyValue(rnd *rand.Rand) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 32)
	for i := range b {
		b[i] = hex[rnd.Intn(len(hex))]
	}
	return string(b)
}

func keyTaken(tx *store.Tx, key string) bool {
	var one int
	return tx.QueryRow(`SELECT 1 FROM credentials WHERE platform = ? AND secret = ?`, Name, key).Scan(&one) == nil
}

// putKey stores a key for the tenant (the wanted value when it is free) and
// returns how the control API shows it. A new main key demotes the others.
func putKey(tx *store.Tx, tenantID string, k KeySpec, rnd *rand.Rand, now time.Time) (jsonx.Object, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	if k.Key == "" || keyTaken(tx, k.Key) {
		k.Key = newKeyValue(rnd)
		for keyTaken(tx, k.Key) {
			k.Key = newKeyValue(rnd)
		}
	}
	if k.Main {
		if err := demoteMain(tx, tenantID); err != nil {
			return nil, err
		}
	}
	data := keyData{Name: k.Name, Legacy: k.Legacy, Permissions: k.Permissions, Main: k.Main}
	if data.Permissions == nil {
		data.Permissions = []string{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	cred := store.Credential{Platform: Name, Secret: k.Key, TenantID: tenantID, Kind: kindKey, Data: raw, CreatedAt: now}
	if err := tx.PutCredential(cred); err != nil {
		return nil, err
	}
	return keyObject(cred, data), nil
}

// demoteMain clears the main mark of every key of the tenant.
func demoteMain(tx *store.Tx, tenantID string) error {
	tx.AuthChanged()
	_, err := tx.Exec(`UPDATE credentials SET data = json_set(data, '$.main', json('false')) WHERE tenant_id = ? AND platform = ?`, tenantID, Name)
	return err
}

// keyObject is a key as the control API shows it.
func keyObject(c store.Credential, d keyData) jsonx.Object {
	perms := d.Permissions
	if d.Legacy {
		perms = permissions
	}
	return jsonx.Object{
		{Key: "key", Value: c.Secret},
		{Key: "name", Value: d.Name},
		{Key: "legacy", Value: d.Legacy},
		{Key: "main", Value: d.Main},
		{Key: "permissions", Value: perms},
		{Key: "revoked", Value: c.Kind == kindRevoked},
		{Key: "created_at", Value: c.CreatedAt},
	}
}

// revokeKey keeps the key as revoked, so requests with it are still known
// to be the tenant's (and answered with its settings).
func revokeKey(tx *store.Tx, tenantID, key string) (bool, error) {
	tx.AuthChanged()
	res, err := tx.Exec(`UPDATE credentials SET kind = ?, data = json_set(data, '$.main', json('false'))
		WHERE tenant_id = ? AND platform = ? AND secret = ? AND kind = ?`, kindRevoked, tenantID, Name, key, kindKey)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// keyList shows every key of a tenant, oldest first.
func keyList(creds []store.Credential) ([]any, error) {
	out := []any{}
	for _, c := range creds {
		var d keyData
		if err := json.Unmarshal(c.Data, &d); err != nil {
			return nil, err
		}
		if !slices.Contains([]string{kindKey, kindRevoked}, c.Kind) {
			continue
		}
		out = append(out, keyObject(c, d))
	}
	return out, nil
}
