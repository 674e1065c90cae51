package fakedata

import (
	"regexp"
	"testing"

	"github.com/brianvoe/gofakeit/v6"
	"github.com/stretchr/testify/require"
)

func TestSameSeedSamePeople(t *testing.T) {
	a, b := gofakeit.New(7), gofakeit.New(7)
	for i := 0; i < 50; i++ {
		require.Equal(t, Name(a), Name(b))
		require.Equal(t, Phone(a), Phone(b))
		require.Equal(t, Address(a), Address(b))
	}
}

func TestShapes(t *testing.T) {
	f := gofakeit.New(1)
	for i := 0; i < 200; i++ {
		require.Regexp(t, regexp.MustCompile(`^79\d{9}$`), Phone(f))
		require.Regexp(t, regexp.MustCompile(`^г\. .+, ул\. .+, д\. \d$`), Address(f))
		first, last := Person(f)
		if r := []rune(first); r[len(r)-1] == 'а' || r[len(r)-1] == 'я' {
			require.Regexp(t, "а$", last, first)
		} else {
			require.NotRegexp(t, "ва$|на$", last, first)
		}
	}
}
