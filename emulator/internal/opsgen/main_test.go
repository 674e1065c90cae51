package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGeneratedFileMatchesSpecs fails when a spec gained, lost or renamed
// an operation and fakebotstest's constants were not regenerated.
func TestGeneratedFileMatchesSpecs(t *testing.T) {
	want, err := generate()
	require.NoError(t, err)
	got, err := os.ReadFile("../../fakebotstest/operations.go")
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "run go generate ./emulator/fakebotstest")
}

func TestGoName(t *testing.T) {
	for id, want := range map[string]string{"sendMessage": "SendMessage", "get_clients": "GetClients", "find_client_id_by_var": "FindClientIDByVar"} {
		require.Equal(t, want, goName(id), id)
	}
}
