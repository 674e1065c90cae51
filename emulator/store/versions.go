package store

import (
	"sync"
	"sync/atomic"
)

// versions numbers the states of each tenant's data. One counter orders
// every commit; a tenant's version is the number of the last commit that
// may have changed its data: its own writes, or a write of all tenants.
// Versions only grow, so a page read at one version is never mistaken for
// a later state, even of a tenant deleted and created again.
type versions struct {
	seq    atomic.Uint64
	all    atomic.Uint64 // the last commit that touched every tenant
	tenant sync.Map      // tenant id → *atomic.Uint64
}

func (v *versions) of(tenantID string) uint64 {
	all := v.all.Load()
	if t, ok := v.tenant.Load(tenantID); ok {
		return max(all, t.(*atomic.Uint64).Load())
	}
	return all
}

// moved records a commit that touched tenantID ("" for every tenant) and
// forgets the versions of tenants it deleted. Nothing is read of a tenant
// that does not exist, and the commit that creates it again gives it a
// version newer than anything read of it before.
func (v *versions) moved(tenantID string, deleted []string) {
	n := v.seq.Add(1)
	if tenantID == "" {
		v.all.Store(n)
	} else {
		t, _ := v.tenant.LoadOrStore(tenantID, new(atomic.Uint64))
		t.(*atomic.Uint64).Store(n)
	}
	for _, id := range deleted {
		v.tenant.Delete(id)
	}
}
