package cleverapp

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand"
	"time"

	"github.com/fakebots/fakebots/emulator/store"
)

// List schemas and items have 24-hex ids laid out like MongoDB ObjectIds,
// which the documented ones are: 5dee4800… is 2019-12-09T13:11:28Z, the
// schema's created_at. Four bytes of Unix seconds, then eight that tell the
// ids of one second apart.
func objectID(t time.Time, tail uint64) string {
	return fmt.Sprintf("%08x%016x", uint32(t.Unix()), tail)
}

// errNoObjectID would mean 16 million ids in one second.
var errNoObjectID = errors.New("no free list id at this second")

// newObjectID is the id of a list schema or item created by a request at
// now. Like an ObjectId its tail is a "process" part (here a hash of tenant
// and brand) and a counter, which skips ids already taken: unique, and the
// same for the same history of requests.
func (p *Platform) newObjectID(tx *store.Tx, tenantID string, now time.Time) (string, error) {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s", tenantID, p.brand.Name)
	process := h.Sum64() & 0xFF_FFFF_FFFF
	var n uint64
	if err := tx.QueryRow(`SELECT (SELECT COUNT(*) FROM ca_list_schemas WHERE tenant_id = ?) + (SELECT COUNT(*) FROM ca_list_items WHERE tenant_id = ?)`,
		tenantID, tenantID).Scan(&n); err != nil {
		return "", err
	}
	for i := uint64(0); i < 1<<24; i++ {
		id := objectID(now, process<<24|(n+i)&0xFF_FFFF)
		if taken, err := objectIDTaken(tx, id); err != nil || !taken {
			return id, err
		}
	}
	return "", errNoObjectID
}

// fixtureObjectID is the id of a list schema or item a fixture creates: its
// tail comes from the tenant's seed, so a reset gives the same ids.
func fixtureObjectID(tx *store.Tx, rnd *rand.Rand, at time.Time) (string, error) {
	for {
		id := objectID(at, rnd.Uint64())
		if taken, err := objectIDTaken(tx, id); err != nil || !taken {
			return id, err
		}
	}
}

func objectIDTaken(tx *store.Tx, id string) (bool, error) {
	var n int
	err := tx.QueryRow(`SELECT (SELECT COUNT(*) FROM ca_list_schemas WHERE id = ?) + (SELECT COUNT(*) FROM ca_list_items WHERE id = ?)`, id, id).Scan(&n)
	return n > 0, err
}
