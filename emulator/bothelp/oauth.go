package bothelp

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// Credential kinds in the store. A client credential is stored under its
// client_id with the secret in its data; an access token under itself with
// its expiry, so both resolve to their tenant.
const (
	kindClient      = "client"
	kindAccessToken = "access_token"
)

// TokenLifetime is the documented validity of an access token: expires_in 3600.
const TokenLifetime = time.Hour

// prunedAfter is how long expired tokens are kept, so that they answer
// "has expired" rather than "is invalid" for a while.
const prunedAfter = 24 * time.Hour

type clientData struct {
	ClientSecret string `json:"client_secret"`
}

type tokenData struct {
	ClientID  string `json:"client_id"`
	ExpiresAt int64  `json:"expires_at"` // unix microseconds
}

// tokenResponse is the documented answer, key for key.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// authenticateClient checks a token exchange in the order an OAuth server
// does: the grant type, then the client. A known client_id identifies the
// tenant even when its secret is wrong, so that tenant's settings, faults
// and journal apply.
func (p *Platform) authenticateClient(r *platform.Request) (platform.Principal, error) {
	in, err := p.Input(r)
	if err != nil {
		return platform.Principal{}, err
	}
	r.Input = in
	clientID, secret := in.String("client_id"), in.String("client_secret")
	var principal platform.Principal
	var data clientData
	if clientID != "" {
		cred, err := p.store().Credential(r.Context(), Name, clientID)
		switch {
		case err == nil && cred.Kind == kindClient:
			principal = platform.Principal{TenantID: cred.TenantID, Credential: cred, LimitKey: clientID}
			if err := json.Unmarshal(cred.Data, &data); err != nil {
				return principal, err
			}
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return principal, err
		}
	}
	switch grant := in.String("grant_type"); {
	case grant == "":
		return principal, errGrantMissing
	case grant != "client_credentials":
		return principal, errGrantUnsupported(grant)
	}
	if principal.TenantID == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(data.ClientSecret)) != 1 {
		return principal, errInvalidClient
	}
	return principal, nil
}

// authenticateBearer resolves `Authorization: Bearer <token>` to its tenant;
// a token is valid for TokenLifetime on the emulator's clock.
func (p *Platform) authenticateBearer(r *platform.Request) (platform.Principal, error) {
	scheme, token, _ := strings.Cut(strings.TrimSpace(r.HTTP.Header.Get("Authorization")), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return platform.Principal{}, errTokenMissing
	}
	version := p.store().AuthVersion()
	known, ok := p.tokens.lookup(version, token)
	if !ok {
		cred, err := p.store().Credential(r.Context(), Name, token)
		if errors.Is(err, store.ErrNotFound) || (err == nil && cred.Kind != kindAccessToken) {
			return platform.Principal{}, errTokenInvalid
		} else if err != nil {
			return platform.Principal{}, err
		}
		known.principal = platform.Principal{TenantID: cred.TenantID, Credential: cred, LimitKey: strings.Clone(token)} // not a slice of the request, which the cache outlives
		var data tokenData
		if err := json.Unmarshal(cred.Data, &data); err != nil {
			return known.principal, err
		}
		known.expiresAt = store.FromMicros(data.ExpiresAt)
		p.tokens.keep(version, known)
	}
	// The request's time is not yet the tenant's: the tenant is known only now.
	if !r.Env.Tenants.Now(known.principal.TenantID).Before(known.expiresAt) {
		return known.principal, errTokenExpired
	}
	return known.principal, nil
}

// knownToken is a resolved access token.
type knownToken struct {
	principal platform.Principal // shared by the requests: read-only
	expiresAt time.Time
}

// tokenCache remembers resolved access tokens while the store's auth
// version stands: issuing, pruning and revoking tokens, and deleting
// tenants, all move it. Only tokens used since the last move are kept.
type tokenCache struct {
	mu      sync.Mutex
	version uint64
	tokens  map[string]knownToken
}

func (c *tokenCache) lookup(version uint64, token string) (knownToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return knownToken{}, false
	}
	t, ok := c.tokens[token]
	return t, ok
}

func (c *tokenCache) keep(version uint64, t knownToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tokens == nil || version > c.version {
		c.version, c.tokens = version, map[string]knownToken{}
	}
	if version == c.version { // else read before a change the cache has seen
		c.tokens[t.principal.LimitKey] = t
	}
}

// getToken issues an access token. Earlier tokens stay valid until they
// expire (inferred) unless the tenant's revoke_old_tokens is set.
func (p *Platform) getToken(r *platform.Request) (any, error) {
	tenantID := r.TenantID()
	token := randomAlnum(40)
	data, err := json.Marshal(tokenData{ClientID: r.Principal.Credential.Secret, ExpiresAt: store.Micros(r.Now.Add(TokenLifetime))})
	if err != nil {
		return nil, err
	}
	err = r.Write(func(tx *store.Tx) error {
		acc, err := loadAccount(tx.QueryRow, tenantID)
		if err != nil {
			return err
		}
		// Revoke all earlier tokens, or now and then drop those long expired.
		cutoff, prune := r.Now.Add(-prunedAfter), p.pruneDue(tenantID, r.Now)
		if acc.Settings.RevokeOldTokens {
			cutoff, prune = r.Now.Add(TokenLifetime), true
		}
		if prune {
			if _, err := tx.Exec(`DELETE FROM credentials WHERE tenant_id = ? AND platform = ? AND kind = ? AND json_extract(data, '$.expires_at') <= ?`,
				tenantID, Name, kindAccessToken, store.Micros(cutoff)); err != nil {
				return err
			}
		}
		return tx.PutCredential(store.Credential{Platform: Name, Secret: token, TenantID: tenantID, Kind: kindAccessToken, Data: data, CreatedAt: r.Now})
	})
	if err != nil {
		return nil, err
	}
	return tokenResponse{AccessToken: token, TokenType: "Bearer", ExpiresIn: int(TokenLifetime / time.Second)}, nil
}

// pruneDue reports whether the tenant's expired tokens are due to be
// dropped: once an hour of the emulator's clock, so that issuing a token
// does not scan every token the tenant ever had. Tenants not seen for an
// hour are forgotten.
func (p *Platform) pruneDue(tenantID string, now time.Time) bool {
	p.pruneMu.Lock()
	defer p.pruneMu.Unlock()
	last, ok := p.pruned[tenantID]
	if ok && !now.Before(last) && now.Sub(last) < time.Hour {
		return false
	}
	if len(p.pruned) >= 1024 {
		for id, at := range p.pruned {
			if now.Sub(at) >= time.Hour || now.Before(at) {
				delete(p.pruned, id)
			}
		}
	}
	p.pruned[tenantID] = now
	return true
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomAlnum is an opaque [A-Za-z0-9] string like the documented token.
func randomAlnum(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails on supported platforms
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}
