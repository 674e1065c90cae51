package salebot

import (
	"slices"
	"sort"
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
)

// Validate checks the input against the operation's schema, then the x-
// rules JSON Schema does not say: groups of which one parameter is needed,
// exclusive parameters, parameters that need others.
func (p *Platform) Validate(r *platform.Request) error {
	if err := platform.ValidateSchema(r); err != nil {
		return err
	}
	rules := p.rulesOf(r)
	in := r.Input
	if len(rules.exclusive) > 0 {
		var given []string
		for _, name := range rules.exclusive {
			if in.Present(name) {
				given = append(given, name)
			}
		}
		if len(given) > 1 {
			return errExclusive(given)
		}
	}
	for _, group := range rules.requireAny {
		if !slices.ContainsFunc(group, in.Present) {
			return errRequired(group...)
		}
	}
	names := make([]string, 0, len(rules.requires))
	for name := range rules.requires {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !in.Present(name) {
			continue
		}
		for _, needed := range rules.requires[name] {
			if !in.Present(needed) {
				return errRequired(needed)
			}
		}
	}
	return nil
}

// schemaFailure turns schema failures into one fail body: a missing
// parameter first (in the schema's required order), else a list too long,
// else "Error in parameter format".
func schemaFailure(r *platform.Request, e *platform.ValidationError) *apiError {
	var required []string
	if r.Operation != nil && r.Operation.Input != nil {
		required = r.Operation.Input.Required
	}
	best, bestRank := "", len(required)+1
	for _, f := range e.Fields {
		if f.Rule != "required" {
			continue
		}
		name := topLevel(f.Field)
		rank := slices.Index(required, name)
		if rank < 0 {
			rank = len(required)
		}
		if best == "" || rank < bestRank {
			best, bestRank = name, rank
		}
	}
	if best != "" {
		return errRequired(best)
	}
	for _, f := range e.Fields {
		if f.Rule == "maxItems" {
			return failError("Parameter \"" + topLevel(f.Field) + "\": " + f.Reason)
		}
	}
	return errFormat
}

func topLevel(field string) string {
	name, _, _ := strings.Cut(field, ".")
	return name
}
