// Every view is a URL under /__fakebots/ui/ that can be shared: links are
// real links (they open in a new tab too), and the page follows them with
// the history API instead of reloading.

export const BASE = '/__fakebots/ui/';

let onChange = () => {};

// href is the URL of a view: parts are path segments, params the query.
export function href(parts, params) {
  const path = parts.map((p) => encodeURIComponent(p)).join('/');
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== '' && v != null) q.set(k, v);
  const s = q.toString();
  return BASE + path + (s ? `?${s}` : '');
}

// current is the view the URL names.
export function current() {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(location.search),
  };
}

// go opens a view; replace keeps the history entry (a filter changed).
export function go(url, { replace = false } = {}) {
  if (url === location.pathname + location.search) return;
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  onChange();
}

export function start(render) {
  onChange = render;
  window.addEventListener('popstate', () => onChange());
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a[href]');
    if (!a || a.target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
    e.preventDefault();
    go(url.pathname + url.search);
  });
  onChange();
}
