package salebot

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// The five permissions a new-style key may hold (the UI's checkboxes).
const (
	permClientsRead   = "clients_read"   // Разрешение на чтение информации о клиентах
	permClientsWrite  = "clients_write"  // Разрешение на изменение/удаление информации о клиентах
	permClientsDelete = "clients_delete" // Разрешение на удаление клиентов
	permCRMRead       = "crm_read"       // Разрешение на чтение информации из CRM
	permCRMWrite      = "crm_write"      // Разрешение на изменение/удаление информации из CRM
)

var permissions = []string{permClientsRead, permClientsWrite, permClientsDelete, permCRMRead, permCRMWrite}

func validPermission(p string) bool { return slices.Contains(permissions, p) }

// Credential kinds: a usable key, and a revoked one kept so the emulator
// still knows whose it was.
const (
	kindKey     = "api_key"
	kindRevoked = "revoked_api_key"
)

// keyData is what a key carries in the credential's data.
type keyData struct {
	Name string `json:"name"`
	// Legacy keys (the old style, no longer issued) hold every permission.
	Legacy      bool     `json:"legacy"`
	Permissions []string `json:"permissions"`
	// Main marks the project's main key (#{api_key} inside bots).
	Main bool `json:"main"`
}

func (k keyData) allows(perm string) bool {
	return k.Legacy || slices.Contains(k.Permissions, perm)
}

// Authenticate resolves the key in the path to its tenant's project and
// checks the action's permission. A revoked key is answered like an unknown
// one, with its tenant's settings.
func (p *Platform) Authenticate(r *platform.Request) (platform.Principal, error) {
	key := r.PathParams["api_key"]
	k, err := p.keys.lookup(r.Context(), p.env.Store, key)
	if errors.Is(err, store.ErrNotFound) {
		return platform.Principal{}, errUnknownKey
	} else if err != nil {
		return platform.Principal{}, err
	}
	principal := platform.Principal{TenantID: k.cred.TenantID, Credential: k.cred, LimitKey: key}
	withProject(r, k.project)
	if k.cred.Kind != kindKey {
		return principal, errUnknownKey
	}
	if !k.data.allows(p.rulesOf(r).permission) {
		return principal, errForbidden
	}
	return principal, nil
}

// projectByPath finds the project of the key in a path that matched no
// action (/api/{key}/{unknown}), so its settings shape the answer.
func (p *Platform) projectByPath(r *platform.Request) *project {
	parts := strings.Split(strings.Trim(r.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "api" {
		return nil
	}
	k, err := p.keys.lookup(r.Context(), p.env.Store, parts[1])
	if err != nil {
		return nil
	}
	return k.project
}

// knownKey is a key with its tenant's project, as requests need them.
type knownKey struct {
	cred    store.Credential
	data    keyData
	project *project // shared by the requests: read-only
}

// keyCache remembers resolved keys while the store's auth version stands:
// every change of tenants, keys or project settings bumps it.
type keyCache struct {
	mu      sync.Mutex
	version uint64
	keys    map[string]knownKey
}

func (c *keyCache) lookup(ctx context.Context, s *store.Store, key string) (knownKey, error) {
	version := s.AuthVersion()
	c.mu.Lock()
	if c.version != version || c.keys == nil {
		c.version, c.keys = version, map[string]knownKey{}
	}
	k, ok := c.keys[key]
	c.mu.Unlock()
	if ok {
		return k, nil
	}
	cred, err := s.Credential(ctx, Name, key)
	if err != nil {
		return k, err
	}
	k.cred = cred
	if err := json.Unmarshal(cred.Data, &k.data); err != nil {
		return k, err
	}
	if k.project, err = loadProject(reader{ctx, s}, cred.TenantID); err != nil {
		return k, err
	}
	c.mu.Lock()
	if c.version == version {
		c.keys[strings.Clone(key)] = k // not a slice of the request line, which may be large
	}
	c.mu.Unlock()
	return k, nil
}
