// Package specs embeds the OpenAPI documents: one per platform, the source of
// truth for its routes, validation, limits and fidelity, and the control
// API's own.
package specs

import (
	"embed"
	"fmt"
)

//go:embed *.yaml
var files embed.FS

// Control is the control API's OpenAPI document.
var Control = mustRead("control.yaml")

// Platform returns the document of a platform (its file specs/NAME.yaml).
func Platform(name string) ([]byte, error) {
	raw, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("no spec for platform %q", name)
	}
	return raw, nil
}

func mustRead(name string) []byte {
	raw, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return raw
}
