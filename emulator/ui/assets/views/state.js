// State: a tenant's data per platform as read-only tables with search:
// end users with their variables, tags and custom fields, deals and their
// states, lists, bots, funnels. Each table is one control endpoint.
import * as api from '../api.js';
import { coalesce, debounce, differs, fill, h, when } from '../dom.js';
import { RELOAD } from '../live.js';
import { PLATFORMS, USERS } from '../platforms.js';
import { go, href } from '../router.js';

// TABLES lists each platform's tables: [path under the platform, label].
const TABLES = {
  cleverapp: [['users', USERS.cleverapp], ['bots', 'Bots'], ['lists', 'Lists']],
  onebot: [['users', USERS.onebot], ['bots', 'Bots'], ['lists', 'Lists']],
  salebot: [['users', USERS.salebot], ['deals', 'Deals'], ['lists', 'Lists'], ['channels', 'Channels']],
  bothelp: [['users', USERS.bothelp], ['bots', 'Bots'], ['funnels', 'Funnels']],
};
const LIMIT = 1000;

export function mount(main, { tenant, parts, query, live }) {
  const platform = TABLES[parts[3]] ? parts[3] : 'cleverapp';
  const table = TABLES[platform].some(([t]) => t === parts[4]) ? parts[4] : 'users';
  const q = query.get('q') || '';
  const body = h('div', { class: 'table-wrap' }, h('p', { class: 'muted' }, 'Loading…'));
  const extra = h('div', {});
  const search = h('input', {
    type: 'search', name: 'q', value: q, placeholder: 'Search', 'aria-label': 'Search the table',
    oninput: debounce(() => go(href(['tenants', tenant, 'state', platform, table], { q: search.value }), { replace: true }), 300),
  });
  fill(main, h('div', { class: 'fill-view state' },
    h('h1', { class: 'sr-only' }, 'State'),
    h('nav', { class: 'tabs', 'aria-label': 'Platforms' }, PLATFORMS.map(([name, label]) => h('a', {
      href: href(['tenants', tenant, 'state', name]), 'aria-current': name === platform ? 'page' : false,
    }, label))),
    h('nav', { class: 'tabs sub', 'aria-label': 'Tables' }, TABLES[platform].map(([name, label]) => h('a', {
      href: href(['tenants', tenant, 'state', platform, name]), 'aria-current': name === table ? 'page' : false,
    }, label))),
    h('form', { class: 'search', role: 'search', onsubmit: (e) => e.preventDefault() }, search),
    extra, body));

  const tableChanged = differs();
  const load = coalesce(async () => {
    const path = api.tenantPath(tenant, `/${platform}/${table}`) + (table === 'users' ? api.query({ q, limit: LIMIT }) : '');
    let got;
    try {
      got = await api.get(path);
    } catch (err) {
      fill(body, h('p', { class: 'error' }, err.message));
      return;
    }
    if (!tableChanged(got)) return;
    let rows = got.data;
    if (table === 'users') rows = rows.map(flattenUser);
    else if (q) rows = rows.filter((r) => JSON.stringify(r).toLowerCase().includes(q.toLowerCase()));
    fill(extra, got.states ? funnel(got.states, got.data) : null);
    fill(body, rows.length ? grid(rows) : h('p', { class: 'muted' }, q ? 'Nothing matches.' : 'Empty.'));
  }, 1000);
  const off = live.on((event) => {
    if (RELOAD.has(event.type) || event.type === 'control' || (event.type === 'journal' && event.data.platform === platform)) load();
  });
  load();
  return off;
}

// flattenUser shows an end user's own fields beside the common ones.
function flattenUser(u) {
  const { platform: own, ...common } = u;
  const row = { ...common };
  for (const [k, v] of Object.entries(own || {})) if (!(k in row)) row[k] = v;
  return row;
}

// funnel shows a deal funnel's states with how many deals each holds.
function funnel(states, deals) {
  return h('ol', { class: 'funnel', 'aria-label': 'Funnel' }, states.map((s) => h('li', { class: s.outcome },
    h('span', {}, s.name), h('strong', {}, deals.filter((d) => d.state_id === s.id).length))));
}

// grid is a table whose columns are the rows' keys, in the order met.
function grid(rows) {
  const columns = [];
  for (const row of rows.slice(0, 50)) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  return h('table', { class: 'grid', 'data-rows': rows.length },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c) => h('td', {}, cell(row[c])))))));
}

function cell(v) {
  if (v == null || v === '') return h('span', { class: 'muted' }, '—');
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v)) return h('time', { datetime: v }, when(v));
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x !== 'object' || x === null)) return h('span', { class: 'chips' }, v.map((x) => h('span', { class: 'chip' }, String(x))));
    return h('code', { class: 'json', title: JSON.stringify(v, null, 2) }, JSON.stringify(v));
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v);
    if (!entries.length) return h('span', { class: 'muted' }, '—');
    if (entries.every(([, x]) => typeof x !== 'object' || x === null)) {
      return h('span', { class: 'chips' }, entries.map(([k, x]) => h('span', { class: 'chip' }, h('span', { class: 'key' }, k), ' ', String(x))));
    }
    return h('code', { class: 'json', title: JSON.stringify(v, null, 2) }, JSON.stringify(v));
  }
  return String(v);
}
