package emulator

// Hosts lists every real hostname a platform serves, in platform order:
// the names an HTTPS front needs certificates for.
func (e *Emulator) Hosts() []string {
	var hosts []string
	for _, p := range e.platforms {
		hosts = append(hosts, p.Hosts()...)
	}
	return hosts
}
