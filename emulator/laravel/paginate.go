package laravel

import (
	"net/url"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
)

// Page is a request for one page of a LengthAwarePaginator.
type Page struct {
	Number  int // 1-based; Laravel treats anything below 1 as 1
	PerPage int
}

// Offset is the SQL offset of the page.
func (p Page) Offset() int { return (p.Number - 1) * p.PerPage }

// NewPage normalises page and per-page values as Laravel's paginator does.
func NewPage(number int64, ok bool, perPage int) Page {
	if !ok || number < 1 {
		number = 1
	}
	if number > 1<<30 {
		number = 1 << 30
	}
	return Page{Number: int(number), PerPage: perPage}
}

// Paginated renders an API resource collection page: data, then links and
// meta exactly as Laravel 5.5–7 writes them. path is the request URL without
// its query.
func Paginated(data any, path string, p Page, total int) jsonx.Object {
	lastPage := (total + p.PerPage - 1) / p.PerPage
	if lastPage < 1 {
		lastPage = 1
	}
	pageURL := func(n int) any {
		return path + "?" + url.Values{"page": {strconv.Itoa(n)}}.Encode()
	}
	var prev, next any
	if p.Number > 1 {
		prev = pageURL(p.Number - 1)
	}
	if p.Number < lastPage {
		next = pageURL(p.Number + 1)
	}
	var from, to any
	if first := p.Offset() + 1; first <= total {
		from = first
		to = min(p.Offset()+p.PerPage, total)
	}
	return jsonx.Object{
		{Key: "data", Value: data},
		{Key: "links", Value: jsonx.Object{
			{Key: "first", Value: pageURL(1)},
			{Key: "last", Value: pageURL(lastPage)},
			{Key: "prev", Value: prev},
			{Key: "next", Value: next},
		}},
		{Key: "meta", Value: jsonx.Object{
			{Key: "current_page", Value: p.Number},
			{Key: "from", Value: from},
			{Key: "last_page", Value: lastPage},
			{Key: "path", Value: path},
			{Key: "per_page", Value: p.PerPage},
			{Key: "to", Value: to},
			{Key: "total", Value: total},
		}},
	}
}

// Time formats an instant as Carbon's toIso8601String in UTC.
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }
