package emulator

import (
	"net/http"
	"time"
)

// restartWriteDeadline gives an answer the server's whole write timeout from
// now. The server counts it from the end of the request's headers, which
// bounds a slow client but would cut an answer that is late on purpose (an
// injected delay of up to 10 minutes, an event stream).
func (e *Emulator) restartWriteDeadline(w http.ResponseWriter) {
	if e.cfg.writeTimeout <= 0 {
		return
	}
	// It fails only where w has no connection of its own (a recorder), and
	// then there is no deadline to move.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(e.cfg.writeTimeout))
}
