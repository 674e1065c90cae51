// The dashboard: a client of the control API like any other. This module
// picks the view the URL names, keeps the tenant's live connection, and
// draws the header and the navigation.
import * as api from './api.js';
import { fill, h } from './dom.js';
import { Live } from './live.js';
import { current, go, href, start } from './router.js';
import * as calls from './views/calls.js';
import * as conversations from './views/conversations.js';
import * as login from './views/login.js';
import * as overview from './views/overview.js';
import * as scenarios from './views/scenarios.js';
import * as state from './views/state.js';
import * as tenants from './views/tenants.js';
import * as time from './views/time.js';
import * as webhooks from './views/webhooks.js';
import { PLATFORMS } from './platforms.js';

const app = { access: null, live: null, cleanup: null, renders: 0, tenants: null };

api.auth.onUnauthorized = () => {
  app.access = null;
  if (current().parts[0] !== 'login') go(href(['login'], { next: location.pathname + location.search }), { replace: true });
};

// views maps the first segment after /tenants/{id}/ to its view.
const views = { calls, state, time, webhooks };

function pick(parts) {
  if (parts[0] === 'scenarios') return scenarios;
  if (parts[0] !== 'tenants') return null;
  if (parts.length === 1) return tenants;
  if (parts.length === 2) return overview;
  if (PLATFORMS.some(([name]) => name === parts[2])) return conversations;
  return views[parts[2]] || null;
}

async function render() {
  const seq = ++app.renders;
  if (app.cleanup) app.cleanup();
  app.cleanup = null;
  const { parts, query } = current();
  const main = document.getElementById('main');
  if (parts[0] === 'login') {
    setLive(null);
    drawChrome(null, parts);
    app.cleanup = login.mount(main, { query, signedIn: (access) => { app.access = access; } });
    return;
  }
  let access;
  try {
    access = app.access || (app.access = await api.get('/whoami'));
  } catch (err) {
    if (err.status !== 401) fill(main, h('p', { class: 'error pad' }, `The control API did not answer: ${err.message}`));
    return;
  }
  if (seq !== app.renders) return; // a newer view was asked for meanwhile
  const own = access.access === 'tenant' ? access.tenant : null;
  if (parts.length === 0 || (own && parts[0] === 'tenants' && parts.length === 1)) {
    go(own ? href(['tenants', own]) : href(['tenants']), { replace: true });
    return;
  }
  const tenant = parts[0] === 'tenants' && parts[1] ? parts[1] : null;
  if (own && tenant && tenant !== own) {
    drawChrome(null, parts);
    fill(main, h('p', { class: 'error pad' }, `This token opens tenant ${own} only.`, ' ', h('a', { href: href(['tenants', own]) }, `Open ${own}`)));
    return;
  }
  const view = pick(parts);
  setLive(tenant);
  drawChrome(tenant, parts);
  if (!view) {
    fill(main, h('div', { class: 'pad' }, h('h1', {}, 'No such view'), h('p', {}, h('a', { href: href([]) }, 'Start again'))));
    return;
  }
  app.cleanup = view.mount(main, { tenant, parts, query, live: app.live, access }) || null;
}

// setLive keeps one event stream, the open tenant's.
function setLive(tenant) {
  if (app.live && app.live.tenant === tenant) return;
  if (app.live) app.live.close();
  app.live = tenant ? new Live(tenant) : null;
}

function drawChrome(tenant, parts) {
  drawNav(tenant, parts);
  drawPicker(tenant, parts);
  const account = document.getElementById('account');
  fill(account, api.auth.token
    ? h('button', { type: 'button', class: 'link', onclick: () => { api.auth.clear(); app.access = null; go(href(['login'])); } }, 'Log out')
    : null);
}

function drawNav(tenant, parts) {
  const items = [];
  if (tenant) {
    const platform = PLATFORMS.some(([name]) => name === parts[2]) ? parts[2] : lastPlatform();
    items.push(
      ['Overview', ['tenants', tenant], parts.length === 2],
      ['Conversations', ['tenants', tenant, platform], PLATFORMS.some(([name]) => name === parts[2])],
      ['Calls', ['tenants', tenant, 'calls'], parts[2] === 'calls'],
      ['State', ['tenants', tenant, 'state'], parts[2] === 'state'],
      ['Time & faults', ['tenants', tenant, 'time'], parts[2] === 'time'],
      ['Webhooks', ['tenants', tenant, 'webhooks'], parts[2] === 'webhooks'],
    );
  }
  if (!app.access || app.access.access !== 'tenant') items.push(['Tenants', ['tenants'], parts[0] === 'tenants' && parts.length === 1]);
  items.push(['Scenarios', ['scenarios'], parts[0] === 'scenarios']);
  fill(document.getElementById('nav'), h('ul', {},
    items.map(([label, to, active]) => h('li', {}, h('a', { href: href(to), 'aria-current': active ? 'page' : false }, label)))));
  if (PLATFORMS.some(([name]) => name === parts[2])) sessionStorage.setItem('fakebots.platform', parts[2]);
}

function lastPlatform() {
  const saved = sessionStorage.getItem('fakebots.platform');
  return PLATFORMS.some(([name]) => name === saved) ? saved : PLATFORMS[0][0];
}

// drawPicker lets an admin switch tenants, staying in the same view.
async function drawPicker(tenant, parts) {
  const el = document.getElementById('tenant-picker');
  if (!tenant) {
    fill(el);
    return;
  }
  if (app.access.access === 'tenant') {
    fill(el, h('span', { class: 'muted' }, 'tenant '), h('strong', {}, tenant));
    return;
  }
  if (!app.tenants || !app.tenants.includes(tenant)) {
    try {
      app.tenants = (await api.get('/tenants')).data.map((t) => t.id);
    } catch {
      app.tenants = [tenant];
    }
  }
  const select = h('select', {
    id: 'tenant-select', 'aria-label': 'Tenant',
    onchange: () => go(href(['tenants', select.value, ...parts.slice(2, 3)])),
  }, app.tenants.map((id) => h('option', { value: id, selected: id === tenant }, id)));
  fill(el, h('label', { for: 'tenant-select', class: 'muted' }, 'tenant '), select);
}

// A page left for another keeps no stream open (the browser may keep it
// in its back-forward cache, and the streams of a few such pages would take
// every connection the browser allows to the emulator); back on it, it
// reads everything again.
window.addEventListener('pagehide', () => setLive(null));
window.addEventListener('pageshow', (e) => {
  if (e.persisted) render();
});

// Tenants created or deleted elsewhere show in the picker after a refresh.
window.addEventListener('fakebots:tenants', () => { app.tenants = null; });

document.title = 'fakebots';
start(render);
