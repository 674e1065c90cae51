// Package version tells which build of fakebots is running: the version a
// release stamped at link time, else what the Go toolchain recorded in the
// binary.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// Module is the path of fakebots' Go module.
const Module = "github.com/fakebots/fakebots"

// Set by release builds, where the toolchain may see no repository (a Docker
// build context has no .git):
//
//	go build -ldflags "-X github.com/fakebots/fakebots/emulator/version.release=v1.2.3 -X github.com/fakebots/fakebots/emulator/version.revision=$(git rev-parse HEAD)"
var release, revision string

// Devel is the version of a build nothing identifies.
const Devel = "(devel)"

// Info identifies a build.
type Info struct {
	// Version is v1.2.3 for a release or `go install …@v1.2.3`, a
	// pseudo-version for a build from a checkout, or Devel.
	Version string
	// Revision is the commit built, "" when unknown.
	Revision string
	// Go is the toolchain that built the binary.
	Go string
}

// Get is this binary's build of fakebots, whether fakebots is the program
// or a dependency of it (a Go test using fakebotstest).
var Get = sync.OnceValue(func() Info {
	bi, _ := debug.ReadBuildInfo()
	return fromBuildInfo(bi, release, revision)
})

// fromBuildInfo reads the fakebots module's version from a binary's build
// information; a release's own version and revision win.
func fromBuildInfo(bi *debug.BuildInfo, release, revision string) Info {
	info := Info{Version: Devel, Go: runtime.Version()}
	if bi != nil {
		info.Go = bi.GoVersion
		if m := findModule(bi); m != nil && m.Version != "" {
			info.Version = m.Version
		}
		if bi.Main.Path == Module {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					info.Revision = s.Value
				}
			}
		}
	}
	if release != "" {
		info.Version = release
	}
	if revision != "" {
		info.Revision = revision
	}
	return info
}

// findModule is the fakebots module among a binary's main module and
// dependencies, as replaced, or nil.
func findModule(bi *debug.BuildInfo) *debug.Module {
	if bi.Main.Path == Module {
		return &bi.Main
	}
	for _, m := range bi.Deps {
		if m.Path == Module {
			if m.Replace != nil {
				return m.Replace
			}
			return m
		}
	}
	return nil
}

// String is the one line `fakebots version` prints.
func (i Info) String() string {
	s := "fakebots " + i.Version
	if i.Revision != "" {
		s += " (commit " + i.Revision + ")"
	}
	return s + fmt.Sprintf(", built with %s for %s/%s", i.Go, runtime.GOOS, runtime.GOARCH)
}
