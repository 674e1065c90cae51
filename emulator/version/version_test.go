package version

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFromBuildInfo(t *testing.T) {
	const commit = "315ffbb1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7"
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: commit}, {Key: "vcs.modified", Value: "false"}}
	main := func(version string, settings ...debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: Module, Version: version}, Settings: settings}
	}
	asDependency := func(dep *debug.Module) *debug.BuildInfo {
		return &debug.BuildInfo{
			GoVersion: "go1.26.8",
			Main:      debug.Module{Path: "example.com/mycrm", Version: "v0.3.0"},
			Deps:      []*debug.Module{{Path: "github.com/stretchr/testify", Version: "v1.12.1"}, dep},
			Settings:  vcs, // the user's repository, not ours
		}
	}
	for _, tc := range []struct {
		name              string
		bi                *debug.BuildInfo
		release, revision string
		want              Info
	}{
		{"go install at a tag", main("v1.2.3"), "", "", Info{Version: "v1.2.3", Go: "go1.26.8"}},
		{"a checkout", main("v0.0.0-20261202035300-315ffbb1c2d3+dirty", vcs...), "", "", Info{Version: "v0.0.0-20261202035300-315ffbb1c2d3+dirty", Revision: commit, Go: "go1.26.8"}},
		{"no repository", main(Devel), "", "", Info{Version: Devel, Go: "go1.26.8"}},
		{"a release build", main(Devel), "v1.4.0", commit, Info{Version: "v1.4.0", Revision: commit, Go: "go1.26.8"}},
		{"a release build in a checkout", main("v0.0.0-20261202035300-315ffbb1c2d3", vcs...), "v1.4.0", "", Info{Version: "v1.4.0", Revision: commit, Go: "go1.26.8"}},
		{"a dependency of a user's tests", asDependency(&debug.Module{Path: Module, Version: "v1.2.3"}), "", "", Info{Version: "v1.2.3", Go: "go1.26.8"}},
		{"a dependency replaced by a fork", asDependency(&debug.Module{Path: Module, Version: "v1.2.3", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.2.4-fix"}}), "", "", Info{Version: "v1.2.4-fix", Go: "go1.26.8"}},
		{"a dependency replaced by a directory", asDependency(&debug.Module{Path: Module, Version: "v1.2.3", Replace: &debug.Module{Path: "../fakebots"}}), "", "", Info{Version: Devel, Go: "go1.26.8"}},
		{"no build information", nil, "", "", Info{Version: Devel, Go: runtime.Version()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fromBuildInfo(tc.bi, tc.release, tc.revision))
		})
	}
}

func TestString(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	require.Equal(t, "fakebots v1.4.0 (commit 315ffbb), built with go1.26.8 for "+platform,
		Info{Version: "v1.4.0", Revision: "315ffbb", Go: "go1.26.8"}.String())
	require.Equal(t, "fakebots (devel), built with go1.26.8 for "+platform, Info{Version: Devel, Go: "go1.26.8"}.String())
}

func TestGetInThisTestBinary(t *testing.T) {
	// A test binary of this module records no version of its own.
	require.Equal(t, Devel, Get().Version)
	require.Equal(t, runtime.Version(), Get().Go)
}
