package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/fakebots/fakebots/emulator/control"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// HintHeader carries, on an answer to a request that matched no operation
// or whose parameters were refused, what the client should change. The
// body stays the platform's own; WithHints(false) leaves the header out.
const HintHeader = "X-Fakebots-Hint"

// routeMiss explains a request that matched none of the platform's
// operations, naming the closest one.
func routeMiss(p platform.Platform, method, path string, err *platform.RouteError) *journal.Miss {
	m := &journal.Miss{Reason: journal.NoOperation, Detail: fmt.Sprintf("no %s operation at %s %s", p.Name(), method, path)}
	if !err.NotFound() {
		m.Detail = fmt.Sprintf("%s is not allowed on %s (allowed: %s)", method, path, strings.Join(err.Allowed, ", "))
	}
	if op, _ := p.Spec().Closest(method, path); op != nil {
		m.Closest, m.Expected = op.ID, op.Method+" "+op.Path
	}
	return m
}

// inputMiss explains parameters an operation refused.
func inputMiss(op *spec.Operation, err error) *journal.Miss {
	detail := err.Error()
	var h platform.Hinter
	if errors.As(err, &h) {
		detail = h.Hint()
	}
	return &journal.Miss{Reason: journal.InvalidInput, Closest: op.ID, Expected: op.Method + " " + op.Path, Detail: detail}
}

// platformMiss explains a path under no platform's prefix, naming the
// prefix it most likely meant.
func (e *Emulator) platformMiss(path string) *journal.Miss {
	first, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if rest, ok := strings.CutPrefix(path, tenant.PathPrefix); ok {
		_, after, _ := strings.Cut(rest, "/")
		first, _, _ = strings.Cut(after, "/")
	}
	m := &journal.Miss{Reason: journal.NoPlatform, Detail: "no emulated platform at " + path}
	best := -1
	for _, p := range e.platforms {
		if d := spec.Levenshtein(first, p.Name()); best < 0 || d < best {
			best, m.Closest, m.Expected = d, p.Name(), "/"+p.Name()+"/..."
		}
	}
	return m
}

// hint is a miss said in one line of a header: ASCII, bounded.
func hint(m *journal.Miss) string {
	s := m.Detail
	switch {
	case m.Reason == journal.InvalidInput:
		s = m.Closest + " refused its parameters: " + m.Detail
	case m.Closest != "":
		s += "; closest: " + m.Closest + " (" + m.Expected + ")"
	}
	return headerSafe(s)
}

// headerSafe escapes what a header value should not carry (control
// characters, non-ASCII text) as %XX and cuts it to a sensible length.
func headerSafe(s string) string {
	const most = 512
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < most; i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '%' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unrouted answers a request the emulator could not give to a platform (no
// platform at the path, or a tenant's prefix naming no tenant) and
// journals it, so the client's mistake shows among the unmatched requests.
func (e *Emulator) unrouted(w http.ResponseWriter, r *http.Request, m *journal.Miss, body map[string]any) {
	if e.cfg.hints {
		w.Header().Set(HintHeader, hint(m))
	}
	control.WriteJSON(w, http.StatusNotFound, body)
	entry := journal.Entry{Time: e.clock.Now(), Miss: m, Response: journal.Response{Status: http.StatusNotFound, Headers: w.Header()}}
	entry.Request = journalRequest(r, nil)
	e.journal.Add(entry)
	e.logExchange(r, &entry)
}
