// Calls: the tenant's journal, live, with filters kept in the URL; an
// entry opens to its whole request and response, the operation it
// matched, its duration, the fault that answered it, and for a request
// that reached no handler why and what it came closest to.
import * as api from '../api.js';
import { coalesce, debounce, fill, h, pretty, timeOf, when } from '../dom.js';
import { RELOAD } from '../live.js';
import { PLATFORMS, platformName } from '../platforms.js';
import { go, href } from '../router.js';

const PAGE = 100;
const MAX_ROWS = 500;
const FILTERS = ['platform', 'operation', 'status', 'q'];

export function mount(main, { tenant, parts, query, live }) {
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  const entryID = parts[3] || null;
  const journal = api.tenantPath(tenant, '/journal');
  const tbody = h('tbody', {});
  const older = h('button', { type: 'button', class: 'link', hidden: true }, 'Older calls');
  const error = h('p', { class: 'error', role: 'alert' });
  const detail = h('div', { class: 'detail-pane', 'aria-live': 'polite' });
  let newest = 0;
  let nextBefore = null;

  const open = (id) => href(['tenants', tenant, 'calls', String(id)], filters);
  function row(e) {
    return h('tr', { 'data-id': e.id, class: String(e.id) === entryID ? 'selected' : '' },
      h('td', {}, h('time', { datetime: e.time, title: when(e.time) }, timeOf(e.time))),
      h('td', {}, h('span', { class: `status s${String(e.response.status)[0]}` }, e.response.status)),
      h('td', { class: 'request' },
        h('a', { href: open(e.id), title: `${e.request.method} ${e.request.path}` }, h('span', { class: 'method' }, e.request.method), ' ', e.request.path),
        h('span', { class: 'sub' }, [platformName(e.platform) || 'no platform', e.operation || (e.miss ? e.miss.reason : null), `${e.duration_ms.toFixed(1)} ms`].filter(Boolean).join(' · '),
          e.fault ? h('span', { class: 'badge failed' }, 'fault') : null)));
  }
  async function page(params) {
    error.textContent = '';
    try {
      return await api.get(journal + api.query({ ...filters, limit: PAGE, ...params }));
    } catch (err) {
      error.textContent = err.message;
      return null;
    }
  }
  const load = async () => {
    const got = await page({});
    if (!got) return;
    fill(tbody, got.data.map(row));
    newest = got.data.length ? got.data[0].id : newest;
    nextBefore = got.next_before;
    older.hidden = nextBefore == null;
    tbody.dataset.count = String(tbody.children.length);
  };
  const newer = async () => {
    const got = await page(newest ? { after: newest } : {});
    if (!got || !got.data.length) return;
    if (got.next_before != null && newest) return load(); // more came than a page: start from the newest
    tbody.prepend(...got.data.map(row));
    newest = got.data[0].id;
    while (tbody.children.length > MAX_ROWS) tbody.lastElementChild.remove();
    tbody.dataset.count = String(tbody.children.length);
  };
  older.addEventListener('click', async () => {
    const got = await page({ before: nextBefore });
    if (!got) return;
    tbody.append(...got.data.map(row));
    nextBefore = got.next_before;
    older.hidden = nextBefore == null;
  });

  const sync = coalesce(newer);
  const reload = coalesce(load);
  const off = live.on((event) => {
    if (RELOAD.has(event.type)) reload();
    else if (event.type === 'journal') sync();
  });

  fill(main, h('div', { class: 'calls fill-view' },
    h('h1', { class: 'sr-only' }, 'Calls'),
    filterForm(tenant, filters, entryID),
    error,
    h('div', { class: 'split' },
      h('div', { class: 'list-pane' },
        h('table', { class: 'grid calls-table' },
          h('colgroup', {}, ['time', 'status', 'request'].map((c) => h('col', { class: c }))),
          h('thead', {}, h('tr', {}, ['Time', 'Status', 'Request'].map((t) => h('th', { scope: 'col' }, t)))),
          tbody),
        older),
      detail)));
  load();
  if (entryID) showEntry(detail, tenant, entryID);
  else fill(detail, h('p', { class: 'muted' }, 'Open a call to see its request and response.'));
  return off;
}

function filterForm(tenant, filters, entryID) {
  const apply = (replace) => {
    const values = Object.fromEntries(FILTERS.map((k) => [k, form.elements[k].value.trim()]));
    go(href(['tenants', tenant, 'calls', ...(entryID ? [entryID] : [])], values), { replace });
  };
  const typed = debounce(() => apply(true), 400);
  const form = h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); apply(false); } },
    h('label', {}, 'Platform ', h('select', { name: 'platform', onchange: () => apply(false) },
      h('option', { value: '' }, 'any'), PLATFORMS.map(([name, label]) => h('option', { value: name, selected: filters.platform === name }, label)))),
    h('label', {}, 'Operation ', h('input', { name: 'operation', value: filters.operation, placeholder: 'any', size: 16, oninput: typed })),
    h('label', {}, 'Status ', h('select', { name: 'status', onchange: () => apply(false) },
      ['', '2xx', '3xx', '4xx', '5xx', '429'].map((s) => h('option', { value: s, selected: filters.status === s }, s || 'any')))),
    h('label', {}, 'Text ', h('input', { name: 'q', type: 'search', value: filters.q, placeholder: 'in path, query, bodies', oninput: typed })),
    h('a', { href: href(['tenants', tenant, 'calls']), class: 'link' }, 'Clear'));
  return form;
}

async function showEntry(detail, tenant, id) {
  fill(detail, h('p', { class: 'muted' }, 'Loading…'));
  let e;
  try {
    e = await api.get(api.tenantPath(tenant, `/journal/${encodeURIComponent(id)}`));
  } catch (err) {
    fill(detail, h('p', { class: 'error' }, err.message));
    return;
  }
  const hint = (e.response.headers['X-Fakebots-Hint'] || [])[0];
  const target = e.request.path + (e.request.query ? `?${e.request.query}` : '');
  fill(detail, h('article', { class: 'entry', 'data-testid': 'entry' },
    h('h2', {}, h('span', { class: 'method' }, e.request.method), ' ', e.request.path, ' ',
      h('span', { class: `status s${String(e.response.status)[0]}` }, e.response.status)),
    h('dl', { class: 'pairs' },
      h('dt', {}, 'Operation'), h('dd', {}, e.operation || '—'),
      h('dt', {}, 'Platform'), h('dd', {}, e.platform ? platformName(e.platform) : '—'),
      h('dt', {}, 'Time'), h('dd', {}, when(e.time)),
      h('dt', {}, 'Duration'), h('dd', {}, `${e.duration_ms.toFixed(2)} ms`),
      e.fault ? [h('dt', {}, 'Fault'), h('dd', {}, h('span', { class: 'badge failed' }, `answered by fault ${e.fault}`))] : null),
    e.miss ? h('div', { class: 'hint' },
      h('strong', {}, e.miss.reason === 'invalid_input' ? 'The operation refused the parameters' : 'No operation matched'),
      h('p', {}, e.miss.detail),
      e.miss.closest ? h('p', {}, 'Closest: ', h('code', {}, e.miss.closest), e.miss.expected ? [' — ', h('code', {}, e.miss.expected)] : null) : null) : null,
    hint && !e.miss ? h('div', { class: 'hint' }, h('strong', {}, 'Hint'), h('p', {}, hint)) : null,
    h('section', {},
      h('h3', {}, 'Request'),
      h('p', {}, h('code', { class: 'wrap' }, `${e.request.method} ${e.request.host}${target}`), e.request.query_truncated ? h('span', { class: 'badge' }, 'query cut') : null),
      headersTable(e.request.headers, e.request.headers_truncated),
      body(e.request.body, e.request.headers, e.request.body_truncated)),
    h('section', {},
      h('h3', {}, 'Response'),
      h('p', {}, h('span', { class: `status s${String(e.response.status)[0]}` }, e.response.status)),
      headersTable(e.response.headers),
      body(e.response.body, e.response.headers, e.response.body_truncated))));
}

function headersTable(headers, truncated) {
  const names = Object.keys(headers || {}).sort();
  if (!names.length) return null;
  return h('details', { class: 'headers' },
    h('summary', {}, `Headers (${names.length})`, truncated ? ' — cut' : ''),
    h('table', { class: 'grid compact' }, h('tbody', {}, names.map((n) => h('tr', {}, h('th', { scope: 'row' }, n), h('td', {}, headers[n].join(', ')))))));
}

function body(text, headers, truncated) {
  if (!text) return h('p', { class: 'muted' }, 'No body.');
  const type = ((headers || {})['Content-Type'] || [''])[0];
  return [h('pre', { class: 'body' }, pretty(text, type)), truncated ? h('p', { class: 'muted' }, 'Only the first 64 KiB were kept.') : null];
}
