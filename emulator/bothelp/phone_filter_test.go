package bothelp_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// The phone filter compares every digit, 0 and 9 included: numbers that
// differ only by a 0 or a 9 are different numbers.
func TestThePhoneFilterComparesEveryDigit(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	subs := c.seed(
		fakebotstest.BotHelpSubscriber{Name: "С нулём", Phone: "+7 (901) 000-00-01"},
		fakebotstest.BotHelpSubscriber{Name: "Без нуля", Phone: "+7 911"},
		fakebotstest.BotHelpSubscriber{Name: "С девяткой", Phone: "+7 (999) 123-45-67"},
		fakebotstest.BotHelpSubscriber{Name: "Без девятки", Phone: "+7 1234567"},
	)
	for _, tc := range []struct {
		phone string
		want  int64
	}{
		{"79010000001", subs[0].ID},
		{"+7 911", subs[1].ID},
		{"7 999 1234567", subs[2].ID},
		{"71234567", subs[3].ID},
	} {
		var ids []int64
		for _, s := range c.page("phone=" + url.QueryEscape(tc.phone)).Data {
			ids = append(ids, s.ID)
		}
		require.Equal(t, []int64{tc.want}, ids, tc.phone)
	}
}
