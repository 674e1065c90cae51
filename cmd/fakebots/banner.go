package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/platform"
)

// printBanner tells a person where everything is (notes follow the first
// line) and, with a seed tenant, its credentials and a curl line per
// platform that works when pasted.
func printBanner(ctx context.Context, w io.Writer, e *emulator.Emulator, base string, notes ...string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "fakebots is listening on %s\n", base)
	for _, note := range notes {
		fmt.Fprintf(&b, "%s\n", note)
	}
	b.WriteString("\n")
	for _, p := range e.Platforms() {
		fmt.Fprintf(&b, "  %-10s %s/%s/...   (or Host: %s with the real paths)\n", p.Name(), base, p.Name(), strings.Join(p.Hosts(), ", "))
	}
	fmt.Fprintf(&b, "  %-10s %s%s/   (OpenAPI: %s%s/openapi.yaml)\n", "control", base, emulator.ControlPrefix, base, emulator.ControlPrefix)
	fmt.Fprintf(&b, "  %-10s %s%s   (watch conversations and calls live, act as an end user)\n", "dashboard", base, emulator.DashboardPath)
	id := e.SeedTenantID()
	if id == "" {
		b.WriteString("\nNo seed tenant. Create one with:\n")
		fmt.Fprintf(&b, "  curl -s -X POST %s%s/tenants -d '{}'\n", base, emulator.ControlPrefix)
		_, err := io.WriteString(w, b.String())
		return err
	}
	raw, err := e.TenantInfo(ctx, id)
	if err != nil {
		return err
	}
	var info map[string]json.RawMessage
	if err := json.Unmarshal(raw, &info); err != nil {
		return err
	}
	fmt.Fprintf(&b, "\nSeed tenant %q:\n", id)
	for _, p := range e.Platforms() {
		creds := info[p.Name()]
		fmt.Fprintf(&b, "\n  %s: %s\n", p.Name(), creds)
		if d, ok := p.(platform.Demonstrator); ok {
			fmt.Fprintf(&b, "  %s\n", d.CurlExample(base, creds))
		}
	}
	b.WriteString("\n")
	_, err = io.WriteString(w, b.String())
	return err
}
