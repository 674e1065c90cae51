package scenario_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/scenario"
)

// TestShippedScenariosPass runs every file of scenarios/, each in a fresh
// emulator, systems under test included.
func TestShippedScenariosPass(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not installed: the shipped systems under test need it")
	}
	files, err := scenario.Files([]string{"../../scenarios"})
	require.NoError(t, err)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			sc, err := scenario.LoadFile(file)
			require.NoError(t, err)
			r, _ := newEmulator(t)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			res := r.Run(ctx, sc, nil)
			requirePassed(t, res)
		})
	}
}
