package journal

// ring is a queue on a circular buffer, oldest first. One in and one out,
// it allocates nothing, where a slice trimmed at its front and appended to
// is copied anew every few hundred entries (every request of a busy
// tenant is an entry). It doubles when full and halves when a quarter full.
type ring[T any] struct {
	buf  []T
	head int // the oldest's slot
	n    int
}

const minRing = 4

func (r *ring[T]) len() int { return r.n }

// at is the i-th oldest, 0 ≤ i < len.
func (r *ring[T]) at(i int) *T { return &r.buf[(r.head+i)%len(r.buf)] }

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		r.resize(max(minRing, 2*r.n))
	}
	*r.at(r.n) = v
	r.n++
}

// pop removes the oldest and clears its slot, so it holds nothing.
func (r *ring[T]) pop() T {
	v := *r.at(0)
	var zero T
	*r.at(0) = zero
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	r.shrink()
	return v
}

// truncate keeps the n oldest.
func (r *ring[T]) truncate(n int) {
	var zero T
	for i := n; i < r.n; i++ {
		*r.at(i) = zero
	}
	r.n = n
	r.shrink()
}

func (r *ring[T]) shrink() {
	if len(r.buf) > minRing && r.n <= len(r.buf)/4 {
		r.resize(len(r.buf) / 2)
	}
}

func (r *ring[T]) resize(size int) {
	buf := make([]T, size)
	for i := range r.n {
		buf[i] = *r.at(i)
	}
	r.buf, r.head = buf, 0
}
