// Package fakebots runs the fakebots emulator in a container for Go tests,
// in the style of the Testcontainers modules:
//
//	fake, err := fakebots.Run(ctx, "ghcr.io/your-org/fakebots:latest")
//	testcontainers.CleanupContainer(t, fake)
//	require.NoError(t, err)
//	tenant, err := fake.NewTenant(ctx, nil)
//
// It is a Go module of its own, so that only tests that start containers
// depend on Docker's client. It speaks fakebots' documented HTTP control API
// and needs nothing else of the main module.
package fakebots

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

// Port is the port the image listens on.
const Port = "8080/tcp"

// Container is a running fakebots container.
type Container struct {
	testcontainers.Container
}

// Run starts the fakebots image img and waits until it answers its health
// check. The options are Testcontainers' own and this package's.
func Run(ctx context.Context, img string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	moduleOpts := []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(Port),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/__fakebots/health").WithPort(Port).WithStartupTimeout(30 * time.Second)),
	}
	ctr, err := testcontainers.Run(ctx, img, append(moduleOpts, opts...)...)
	var c *Container
	if ctr != nil {
		c = &Container{Container: ctr}
	}
	if err != nil {
		return c, fmt.Errorf("run fakebots: %w", err)
	}
	return c, nil
}

// WithSeed sets the data created at start: "none", "demo" (the image's
// default) or the path of a fixture file inside the container.
func WithSeed(seed string) testcontainers.CustomizeRequestOption {
	return testcontainers.WithEnv(map[string]string{"FAKEBOTS_SEED": seed})
}

// WithSeedFile copies the fixture file at hostPath (YAML or JSON) into the
// container and seeds the emulator with it.
func WithSeedFile(hostPath string) testcontainers.CustomizeRequestOption {
	const inContainer = "/fixtures/seed"
	return func(req *testcontainers.GenericContainerRequest) error {
		if err := testcontainers.WithFiles(testcontainers.ContainerFile{HostFilePath: hostPath, ContainerFilePath: inContainer, FileMode: 0o644})(req); err != nil {
			return err
		}
		return WithSeed(inContainer)(req)
	}
}

// WithRateLimits switches the platforms' rate limits on (the default) or off.
func WithRateLimits(on bool) testcontainers.CustomizeRequestOption {
	value := "off"
	if on {
		value = "on"
	}
	return testcontainers.WithEnv(map[string]string{"FAKEBOTS_RATE_LIMITS": value})
}

// BaseURL is the emulator's address from the host, such as
// http://localhost:32768.
func (c *Container) BaseURL(ctx context.Context) (string, error) {
	return c.PortEndpoint(ctx, Port, "http")
}

// NewTenant creates an isolated tenant with fresh credentials on every
// platform: from nothing (nil), from a named fixture ("demo"), or from an
// inline one (a map or struct in the fixture format).
func (c *Container) NewTenant(ctx context.Context, fixture any) (*Tenant, error) {
	base, err := c.BaseURL(ctx)
	if err != nil {
		return nil, err
	}
	return newTenant(ctx, base, fixture)
}

// Tenant is a tenant's base URLs and credentials on every platform.
type Tenant struct {
	ID string
	// ControlToken opens the tenant's own control endpoints (and nothing
	// else) on an emulator started with --control-token.
	ControlToken string
	CleverApp    CleverApp
	Onebot       CleverApp // Onebot is a white label of CleverApp's backend
	Salebot      Salebot
	BotHelp      BotHelp
	// Answer is the whole creation answer, for the ids the fields above
	// leave out (bots, channels, funnels…).
	Answer json.RawMessage
}

// CleverApp is a CleverApp (or Onebot) account: calls go to
// BaseURL + "/{method}?api_token=" + APIToken.
type CleverApp struct {
	BaseURL  string
	APIToken string
	BotID    int64 // the first bot's
}

// Salebot is a Salebot project: calls go to BaseURL + "/{action}", the main
// key (every permission) being part of BaseURL.
type Salebot struct {
	BaseURL   string
	APIKey    string
	ProjectID int64
}

// BotHelp is a BotHelp account: an access token comes from TokenURL with
// the client credentials, and calls go to APIURL + "/v1/…" or "/v2/…".
type BotHelp struct {
	APIURL       string
	TokenURL     string
	ClientID     string
	ClientSecret string
}

// tenantAnswer is the part of the control API's creation answer a Tenant
// holds.
type tenantAnswer struct {
	ID        string          `json:"id"`
	CleverApp cleverAppAnswer `json:"cleverapp"`
	Onebot    cleverAppAnswer `json:"onebot"`
	Salebot   struct {
		APIKey    string `json:"api_key"`
		ProjectID int64  `json:"project_id"`
		BaseURL   string `json:"base_url"`
	} `json:"salebot"`
	BotHelp struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		BaseURL      string `json:"base_url"`
		TokenURL     string `json:"token_url"`
	} `json:"bothelp"`
	ControlToken string `json:"control_token"`
}

type cleverAppAnswer struct {
	APIToken string `json:"api_token"`
	BotID    int64  `json:"bot_id"`
	BaseURL  string `json:"base_url"`
}

// newTenant creates a tenant on the emulator at base.
func newTenant(ctx context.Context, base string, fixture any) (*Tenant, error) {
	body := map[string]any{}
	if fixture != nil {
		body["fixture"] = fixture
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/__fakebots/tenants", bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("create a fakebots tenant: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("create a fakebots tenant: %w", err)
	}
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("create a fakebots tenant: %s: %s", resp.Status, bytes.TrimSpace(raw))
	}
	var a tenantAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("create a fakebots tenant: the answer: %w", err)
	}
	// The tenant's own base URLs: its calls are journaled to it whatever they carry.
	return &Tenant{
		ID:           a.ID,
		ControlToken: a.ControlToken,
		CleverApp:    CleverApp{BaseURL: base + a.CleverApp.BaseURL, APIToken: a.CleverApp.APIToken, BotID: a.CleverApp.BotID},
		Onebot:       CleverApp{BaseURL: base + a.Onebot.BaseURL, APIToken: a.Onebot.APIToken, BotID: a.Onebot.BotID},
		Salebot:      Salebot{BaseURL: base + a.Salebot.BaseURL, APIKey: a.Salebot.APIKey, ProjectID: a.Salebot.ProjectID},
		BotHelp: BotHelp{
			APIURL: base + a.BotHelp.BaseURL, TokenURL: base + a.BotHelp.TokenURL,
			ClientID: a.BotHelp.ClientID, ClientSecret: a.BotHelp.ClientSecret,
		},
		Answer: raw,
	}, nil
}
