package bothelp

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

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
	page := jsonx.Object{{Key: "data", Value: []any{}}, {Key: "paging", Value: nil}}
	phoneDigits := digits(f.phone)
	if f.phone != "" && phoneDigits == "" {
		return page, nil // no subscriber has a phone without digits
	}
	size := acc.Settings.PageSize
	var rows string
	err = p.store().QueryRow(r.Context(), `SELECT '[' || COALESCE(group_concat(o, ','), '') || ']' FROM (SELECT `+subscriberJSON+` AS o
		FROM bh_subscribers WHERE tenant_id = ? AND id > ? AND created_at >= ?
		AND (? = '' OR email = ? COLLATE NOCASE) AND (? = '' OR phone_digits = ?)
		ORDER BY id LIMIT ?)`,
		r.TenantID(), f.after, f.createdFrom, f.email, f.email, phoneDigits, phoneDigits, size+1).Scan(&rows)
	if err != nil {
		return nil, err
	}
	data, last, more := withCUIDs(jsonx.FromSQLite([]byte(rows)), acc.Prefix, size)
	page[0].Value = data
	if last > 0 && (more || acc.Settings.PagingOnLastPage) {
		page[1].Value = jsonx.Object{
			{Key: "cursor", Value: jsonx.Object{{Key: "after", Value: last}}},
			{Key: "next", Value: f.next(last, acc.Settings.NextKeepsFilters)},
		}
	}
	return page, nil
}

// subscriberJSON renders a subscriber row in SQLite as GET /v1/subscribers/
// shows it, but for the cuid, which withCUIDs adds: every key always
// present and "" rather than null for empty text, as the SDK maps them into
// non-nullable types; createdAt in unix seconds, rounded down. subscribed
// and the stored tags document are spliced in as text between json_object
// parts, which parsing them as JSON would cost more than the rest of the
// row. One column of one row crosses into Go for the whole page instead of
// every column of every subscriber, which is most of what a page costs in
// the pure-Go SQLite. The rows are concatenated in the order the subquery
// yields them: with a LIMIT SQLite runs it as a co-routine in its ORDER BY,
// which the tests of paging pin.
const subscriberJSON = `rtrim(json_object('id', id, 'userId', user_id, 'createdAt', created_at / 1000000 - (created_at % 1000000 < 0)), '}')
	|| CASE WHEN subscribed THEN ',"subscribed":true,' ELSE ',"subscribed":false,' END
	|| ltrim(rtrim(json_object('name', name, 'email', email, 'phone', phone, 'channelName', channel_name, 'channelType', channel_type,
		'utmSource', utm_source, 'utmMedium', utm_medium, 'utmCampaign', utm_campaign, 'utmContent', utm_content, 'utmTerm', utm_term), '}'), '{')
	|| ',"tags":' || tags || ',' || ltrim(json_object('prodamusProfileId', prodamus_profile_id, 'yaClientId', ya_client_id), '{')`

// rowStart opens every subscriber object of a rendered page. A quote inside
// a JSON string is always escaped, so it marks the objects and nothing else.
var rowStart = []byte(`{"id":`)

// withCUIDs puts each subscriber's cuid after its id in a page that
// subscriberJSON rendered, and keeps the first size subscribers of it. It
// returns the page, the id of its last subscriber (0 when empty) and
// whether more followed.
func withCUIDs(rows []byte, prefix string, size int) (json.RawMessage, int64, bool) {
	out := make([]byte, 0, len(rows)+size*(len(prefix)+24))
	var last int64
	n, from := 0, 0
	for {
		at := bytes.Index(rows[from:], rowStart)
		if at < 0 {
			return append(out, rows[from:]...), last, false
		}
		at += from
		if n == size {
			return append(bytes.TrimSuffix(append(out, rows[from:at]...), []byte(",")), ']'), last, true
		}
		idEnd := at + len(rowStart) + bytes.IndexByte(rows[at+len(rowStart):], ',')
		last, _ = strconv.ParseInt(string(rows[at+len(rowStart):idEnd]), 10, 64)
		out = append(out, rows[from:idEnd+1]...)
		out = append(out, `"cuid":"`...)
		out = append(out, formatCUID(prefix, last)...)
		out = append(out, `",`...)
		from, n = idEnd+1, n+1
	}
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
