package emulator

// PageHits is how many answers the page cache has served.
func (e *Emulator) PageHits() uint64 { return e.pages.Hits() }

// ForgetPages empties the page cache: the next read goes to the store.
func (e *Emulator) ForgetPages() { e.pages.Clear() }
