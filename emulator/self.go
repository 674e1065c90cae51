package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/webhook"
)

// A webhook pointed back at the emulator would turn every event into
// another one without end. It is refused before it is sent (reachesSelf,
// which platforms get as Env.ReachesSelf) and, when it got through anyway
// (a relay, an address the emulator has not seen), on arrival
// (refuseOwnDelivery, in the pipeline).

// selfAddrs are the local addresses requests arrived at. In library mode
// nothing tells the emulator where it listens (an httptest server, a
// listener of the caller's), so it learns that from its own requests.
type selfAddrs struct {
	mu    sync.RWMutex
	addrs map[netip.AddrPort]bool
}

// maxSelfAddrs bounds what is learnt: a host has few addresses.
const maxSelfAddrs = 64

func (s *selfAddrs) note(r *http.Request) {
	tcp, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if !ok {
		return
	}
	ap := unmapped(tcp.AddrPort())
	s.mu.RLock()
	known := s.addrs[ap]
	s.mu.RUnlock()
	if known {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addrs == nil {
		s.addrs = map[netip.AddrPort]bool{}
	}
	if len(s.addrs) < maxSelfAddrs {
		s.addrs[ap] = true
	}
}

func (s *selfAddrs) has(ap netip.AddrPort) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.addrs[unmapped(ap)]
}

func (s *selfAddrs) hasPort(port uint16) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for ap := range s.addrs {
		if ap.Port() == port {
			return true
		}
	}
	return false
}

func unmapped(ap netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// reachesSelf says why a request to u would be answered by the emulator
// itself: u's host is an emulated platform's, or u routes to a platform or
// the control API at an address the emulator was reached at.
func (e *Emulator) reachesSelf(ctx context.Context, u *url.URL) error {
	host := strings.ToLower(u.Hostname())
	if p := e.byHost[host]; p != nil {
		return fmt.Errorf("%s is a host of %s, which this emulator answers for (it never calls the real platforms)", host, p.Name())
	}
	what := e.servedAt(u)
	port := portOf(u)
	if what == "" || port == 0 || !e.self.hasPort(port) {
		return nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil // the attempt fails on its own
	}
	for _, ip := range ips {
		if e.self.has(netip.AddrPortFrom(ip, port)) {
			return fmt.Errorf("%s is the emulator's own %s", u.Redacted(), what)
		}
	}
	return nil
}

// servedAt names what of the emulator a URL's path routes to, "" for nothing.
func (e *Emulator) servedAt(u *url.URL) string {
	if u.Path == ControlPrefix || strings.HasPrefix(u.Path, ControlPrefix+"/") {
		return "control API"
	}
	if rt, ok := e.route(&http.Request{URL: u, Header: http.Header{}}); ok {
		return rt.platform.Name() + " API"
	}
	return ""
}

// portOf is u's port, or its scheme's; 0 when neither says.
func portOf(u *url.URL) uint16 {
	s := u.Port()
	if s == "" {
		s = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	n, _ := strconv.ParseUint(s, 10, 16)
	return uint16(n)
}

// refuseOwnDelivery learns the address the request arrived at and refuses
// it when it is one of the emulator's own webhook deliveries (it carries
// webhook.DeliveryHeader): answered, it would make another event, and so
// another delivery. The sender reads the reason in webhook.RefusedHeader;
// the journal keeps the answer.
func (e *Emulator) refuseOwnDelivery(req *platform.Request) (platform.Response, bool) {
	e.self.note(req.HTTP)
	id := req.HTTP.Header.Get(webhook.DeliveryHeader)
	if id == "" {
		return platform.Response{}, false
	}
	reason := fmt.Sprintf("the request is a webhook delivery of this emulator (%s: %s) coming back to it", webhook.DeliveryHeader, id)
	e.cfg.log.Warn("webhook delivery refused on arrival", "platform", req.Platform, "tenant", req.TenantID(), "path", req.Path, "delivery", id)
	body, _ := json.Marshal(map[string]string{"error": "refused: " + reason + "; point the webhook at a receiver of your own"})
	return platform.Response{
		Status: http.StatusLoopDetected,
		Header: http.Header{"Content-Type": {"application/json"}, webhook.RefusedHeader: {reason}},
		Body:   body,
	}, true
}
