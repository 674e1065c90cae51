// Package scenarios embeds the shipped example scenarios and the JSON
// Schema of the scenario format, so the emulator can list the one and serve
// the other.
package scenarios

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed schema.json *.yaml
var files embed.FS

// Schema is the JSON Schema (draft 2020-12) of a scenario file.
var Schema, _ = files.ReadFile("schema.json")

// Files lists the shipped scenarios' file names.
func Files() []string {
	names, _ := fs.Glob(files, "*.yaml")
	return names
}

// Read returns a shipped scenario's content.
func Read(name string) ([]byte, error) {
	if strings.Contains(name, "/") || path.Ext(name) != ".yaml" {
		return nil, fs.ErrNotExist
	}
	return files.ReadFile(name)
}
