package emulator

import (
	"errors"
	"fmt"

	"github.com/fakebots/fakebots/emulator/bothelp"
	"github.com/fakebots/fakebots/emulator/cleverapp"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/salebot"
	"github.com/fakebots/fakebots/emulator/store"
)

// builtIn lists the emulated platforms, in the order they answer, with the
// schema each needs (the two CleverApp brands share theirs).
var builtIn = []struct {
	name   string
	build  func(*platform.Env) (platform.Platform, error)
	schema store.Migrations
}{
	{"cleverapp", cleverapp.NewCleverApp, cleverapp.Migrations},
	{"onebot", cleverapp.NewOnebot, cleverapp.Migrations},
	{"salebot", salebot.New, salebot.Migrations},
	{"bothelp", bothelp.New, bothelp.Migrations},
}

func migrations() []store.Migrations {
	out := make([]store.Migrations, len(builtIn))
	for i, b := range builtIn {
		out[i] = b.schema
	}
	return out
}

// builds are the built-in platforms being constructed, each on its own
// goroutine: loading their specs is most of the start-up time.
type builds []*build

type build struct {
	name string
	done chan struct{} // closed when p and err are set
	p    platform.Platform
	err  error
}

func buildPlatforms(env *platform.Env) builds {
	out := make(builds, len(builtIn))
	for i, b := range builtIn {
		out[i] = &build{name: b.name, done: make(chan struct{})}
		go func() {
			defer close(out[i].done)
			p, err := b.build(env)
			if err == nil && p.Name() != b.name {
				err = fmt.Errorf("platform %q is listed as %q", p.Name(), b.name)
			}
			out[i].p, out[i].err = p, err
		}()
	}
	return out
}

// wait returns the platforms once all are built, or what kept any from
// being built.
func (bs builds) wait() ([]platform.Platform, error) {
	plats := make([]platform.Platform, len(bs))
	var errs []error
	for i, b := range bs {
		<-b.done
		plats[i] = b.p
		errs = append(errs, b.err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return plats, nil
}

// pending stands in for the platforms while they are built, for the seed
// tenant alone: its name is known at once, and provisioning waits for the
// platform, so a tenant is provisioned in platform order, each part as soon
// as its platform is ready.
func (bs builds) pending() []platform.Platform {
	out := make([]platform.Platform, len(bs))
	for i, b := range bs {
		out[i] = pendingPlatform{b: b}
	}
	return out
}

// pendingPlatform offers what tenant.Manager needs to create a tenant, its
// name and its provisioning; the built platform replaces it before anything
// else of platform.Platform is called.
type pendingPlatform struct {
	platform.Platform // nil
	b                 *build
}

func (p pendingPlatform) Name() string { return p.b.name }

func (p pendingPlatform) Provision(tx *store.Tx, setup platform.Setup) (any, error) {
	<-p.b.done
	if p.b.err != nil {
		return nil, p.b.err
	}
	return p.b.p.Provision(tx, setup)
}
