package emulator

import (
	"net/http"

	"github.com/fakebots/fakebots/emulator/control"
	"github.com/fakebots/fakebots/emulator/scenario"
)

// scenarioMounts serves scenario runs from the control API. A run talks to
// this emulator in process, through its own handler (no listener, so it
// works wherever the emulator is mounted), with the bearer token of the call
// that started it: the endpoints need the control token when there is one,
// and a run goes through the same checks as any caller.
func (e *Emulator) scenarioMounts() []control.Mount {
	e.scenarioRuns = scenario.NewRunsHandler(&http.Client{Transport: scenario.HandlerTransport(e)}, "http://fakebots.internal")
	var out []control.Mount
	for _, ep := range e.scenarioRuns.Endpoints() {
		out = append(out, control.Mount{Method: ep.Method, Path: ep.Path, Handler: ep.Handler})
	}
	return out
}
