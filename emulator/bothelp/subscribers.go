package bothelp

import (
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
)

// subscribersPage is the answer of GET /v1/subscribers/.
type subscribersPage struct {
	Data   []apiSubscriber `json:"data"`
	Paging *paging         `json:"paging"`
}

type paging struct {
	Cursor cursor `json:"cursor"`
	Next   string `json:"next"` // a query-string fragment, not a URL
}

type cursor struct {
	After int64 `json:"after"`
}

// subscriberFilter is the query of GET /v1/subscribers/.
type subscriberFilter struct {
	after        int64
	createdAfter string // as sent, for paging.next
	createdFrom  int64  // unix microseconds, inclusive
	email        string
	phone        string
}

// readFilter reads the (already type-checked) query. Clients do not
// URL-encode email and phone, so a "+" arrives as a space: e-mails get it
// back, phones are compared by their digits.
func readFilter(in platform.Input, s Settings) subscriberFilter {
	f := subscriberFilter{createdFrom: math.MinInt64}
	f.after, _ = in.Int("after")
	if secs, ok := in.Int("createdAtAfter"); ok {
		f.createdAfter = strconv.FormatInt(secs, 10)
		if s.CreatedAtAfter == "strict" {
			secs++
		}
		f.createdFrom = max(min(secs, math.MaxInt64/1_000_000), math.MinInt64/1_000_000) * 1_000_000
	}
	f.email = strings.ReplaceAll(strings.TrimSpace(in.String("email")), " ", "+")
	f.phone = strings.TrimSpace(in.String("phone"))
	return f
}

// listSubscribers is one page in ascending id after the cursor, with every
// filter applied. paging points at the page's last id; it is null on an
// empty page and, unless paging_on_last_page, once nothing follows.
func (p *Platform) listSubscribers(r *platform.Request) (any, error) {
	acc, err := loadAccount(p.reader(r.Context()), r.TenantID())
	if err != nil {
		return nil, err
	}
	f := readFilter(r.Input, acc.Settings)
	page := subscribersPage{Data: []apiSubscriber{}}
	phoneDigits := digits(f.phone)
	if f.phone != "" && phoneDigits == "" {
		return page, nil // no subscriber has a phone without digits
	}
	size := acc.Settings.PageSize
	rows, err := p.store().Query(r.Context(), `SELECT `+subscriberColumns+` FROM bh_subscribers
		WHERE tenant_id = ? AND id > ? AND created_at >= ?
		AND (? = '' OR email = ? COLLATE NOCASE) AND (? = '' OR phone_digits = ?)
		ORDER BY id LIMIT ?`,
		r.TenantID(), f.after, f.createdFrom, f.email, f.email, phoneDigits, phoneDigits, size+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	more := false
	for rows.Next() {
		if len(page.Data) == size {
			more = true
			break
		}
		s, err := scanSubscriber(rows)
		if err != nil {
			return nil, err
		}
		page.Data = append(page.Data, s.api(acc.Prefix))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if n := len(page.Data); n > 0 && (more || acc.Settings.PagingOnLastPage) {
		last := page.Data[n-1].ID
		page.Paging = &paging{Cursor: cursor{After: last}, Next: f.next(last, acc.Settings.NextKeepsFilters)}
	}
	return page, nil
}

// next is the query fragment of the following page: "after=N", with the
// other filters when the tenant's next_keeps_filters is set.
func (f subscriberFilter) next(after int64, keepFilters bool) string {
	next := "after=" + strconv.FormatInt(after, 10)
	if !keepFilters {
		return next
	}
	for _, kv := range [][2]string{{"createdAtAfter", f.createdAfter}, {"email", f.email}, {"phone", f.phone}} {
		if kv[1] != "" {
			next += "&" + kv[0] + "=" + url.QueryEscape(kv[1])
		}
	}
	return next
}

// loadSubscriberByID reads one subscriber of a tenant.
func loadSubscriberByID(q rowQuerier, tenantID string, id int64) (subscriber, error) {
	return scanSubscriber(q(`SELECT `+subscriberColumns+` FROM bh_subscribers WHERE tenant_id = ? AND id = ?`, tenantID, id))
}
