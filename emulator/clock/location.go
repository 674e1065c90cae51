package clock

import (
	"sync"
	"time"
)

// locations holds every time zone loaded, by name: a Location is immutable
// and costs kilobytes, so a thousand tenants in one zone share one.
var locations sync.Map // name → *time.Location

// LoadLocation is time.LoadLocation, loading each zone once per process.
func LoadLocation(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	kept, _ := locations.LoadOrStore(name, loc)
	return kept.(*time.Location), nil
}
