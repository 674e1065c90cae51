package journal

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func contents(r *ring[int]) []int {
	out := []int{}
	for i := range r.len() {
		out = append(out, *r.at(i))
	}
	return out
}

// TestRingKeepsOrderAcrossItsEnd: pushes and pops wrap around the buffer,
// oldest first; it doubles when full, halves when a quarter full, and a
// popped or truncated slot holds nothing.
func TestRingKeepsOrderAcrossItsEnd(t *testing.T) {
	var r ring[int]
	for i := range 4 {
		r.push(i)
	}
	require.Len(t, r.buf, 4)
	require.Equal(t, 0, r.pop())
	require.Equal(t, 1, r.pop())
	r.push(4)
	r.push(5) // wraps to the front of the buffer
	require.Len(t, r.buf, 4)
	require.Equal(t, []int{2, 3, 4, 5}, contents(&r))
	r.push(6)
	require.Len(t, r.buf, 8, "doubled when full")
	require.Equal(t, []int{2, 3, 4, 5, 6}, contents(&r))

	for i := 7; i < 32; i++ {
		r.push(i)
	}
	require.Len(t, r.buf, 32)
	for want := 2; want < 25; want++ {
		require.Equal(t, want, r.pop())
	}
	require.Equal(t, []int{25, 26, 27, 28, 29, 30, 31}, contents(&r))
	require.Len(t, r.buf, 16, "halved at a quarter full, once")

	r.truncate(2)
	require.Equal(t, []int{25, 26}, contents(&r))
	require.Len(t, r.buf, 8)
	for i, v := range r.buf {
		if v != 25 && v != 26 {
			require.Zero(t, v, "slot %d", i)
		}
	}
}
