// Tenants: list, create (empty, from the demo fixture, or from an inline
// fixture), reset, delete; open one to work in it.
import * as api from '../api.js';
import { fill, h, toast, when } from '../dom.js';
import { go, href } from '../router.js';

export function mount(main) {
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  fill(main, h('div', { class: 'pad page' }, h('h1', {}, 'Tenants'), createForm(), list));
  load(list);
}

async function load(list) {
  let tenants;
  try {
    tenants = (await api.get('/tenants')).data;
  } catch (err) {
    fill(list, h('p', { class: 'error' }, err.message));
    return;
  }
  window.dispatchEvent(new Event('fakebots:tenants'));
  if (!tenants.length) {
    fill(list, h('p', { class: 'muted' }, 'No tenants yet: create one above.'));
    return;
  }
  fill(list, h('table', { class: 'grid' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Tenant'), h('th', {}, 'Fixture'), h('th', {}, 'Created'), h('th', {}, h('span', { class: 'sr-only' }, 'Actions')))),
    h('tbody', {}, tenants.map((t) => h('tr', {},
      h('td', {}, h('a', { href: href(['tenants', t.id]) }, t.id)),
      h('td', {}, fixtureLabel(t.fixture)),
      h('td', {}, when(t.created_at)),
      h('td', { class: 'actions' },
        h('button', { type: 'button', onclick: () => act(list, `Reset ${t.id} to its fixture?`, () => api.post(api.tenantPath(t.id, '/reset')), `${t.id} reset`) }, 'Reset'),
        h('button', { type: 'button', class: 'danger', onclick: () => act(list, `Delete ${t.id} and everything it holds?`, () => api.del(api.tenantPath(t.id)), `${t.id} deleted`) }, 'Delete')))))));
}

function fixtureLabel(fixture) {
  if (!fixture) return h('span', { class: 'muted' }, 'empty');
  return fixture.startsWith('{') ? h('span', { title: fixture }, 'inline') : fixture;
}

async function act(list, question, call, done) {
  if (!window.confirm(question)) return;
  try {
    await call();
    toast(done);
  } catch (err) {
    toast(err.message, 'error');
  }
  load(list);
}

function createForm() {
  const id = h('input', { id: 'new-id', name: 'id', placeholder: 'generated', pattern: '[A-Za-z0-9_-]{1,64}' });
  const fixture = h('select', { id: 'new-fixture', name: 'fixture', onchange: () => { inline.hidden = fixture.value !== 'inline'; } },
    h('option', { value: '' }, 'empty'), h('option', { value: 'demo' }, 'demo'), h('option', { value: 'inline' }, 'inline fixture (JSON)'));
  const inline = h('textarea', { id: 'new-inline', name: 'inline', rows: 6, hidden: true, 'aria-label': 'Inline fixture', placeholder: '{"salebot": {"clients": [{"platform_id": "1"}]}}' });
  return h('form', {
    class: 'card row-form',
    'data-testid': 'new-tenant',
    onsubmit: async (e) => {
      e.preventDefault();
      const body = {};
      if (id.value) body.id = id.value;
      try {
        if (fixture.value === 'inline') body.fixture = JSON.parse(inline.value || '{}');
        else if (fixture.value) body.fixture = fixture.value;
        const created = await api.post('/tenants', body);
        toast(`Tenant ${created.id} created`);
        go(href(['tenants', created.id]));
      } catch (err) {
        toast(err.message, 'error');
      }
    },
  },
  h('h2', {}, 'New tenant'),
  h('div', { class: 'fields' },
    h('label', {}, 'Id ', id),
    h('label', {}, 'Fixture ', fixture),
    h('button', { type: 'submit', class: 'primary' }, 'Create')),
  inline);
}
