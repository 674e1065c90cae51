// A tenant's overview: what a client needs to call it (each platform's base
// URL and credentials, from the tenant's creation answer) and where to look
// next.
import * as api from '../api.js';
import { fill, h, toast } from '../dom.js';
import { PLATFORMS, USERS } from '../platforms.js';
import { go, href } from '../router.js';

export function mount(main, { tenant, access }) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  fill(main, h('div', { class: 'pad page' }, h('h1', {}, `Tenant ${tenant}`), body));
  api.get(api.tenantPath(tenant)).then((info) => draw(body, tenant, info, access), (err) => fill(body, h('p', { class: 'error' }, err.message)));
}

function draw(body, tenant, info, access) {
  const origin = location.origin;
  fill(body,
    h('div', { class: 'cards' }, PLATFORMS.map(([name, label]) => {
      const section = info[name] || {};
      const fields = Object.entries(section).filter(([, v]) => typeof v !== 'object' || v === null);
      return h('section', { class: 'card' },
        h('h2', {}, label),
        h('dl', { class: 'pairs' }, fields.map(([k, v]) => [
          h('dt', {}, k),
          h('dd', {}, h('code', {}, k.endsWith('_url') && typeof v === 'string' && v.startsWith('/') ? origin + v : String(v))),
        ])),
        h('p', {}, h('a', { href: href(['tenants', tenant, name]) }, `${USERS[name]} and conversations →`)));
    })),
    h('section', { class: 'card' },
      h('h2', {}, 'Control token'),
      h('p', {}, 'Opens this tenant\'s control endpoints only (with --control-token): give it to whoever should see this tenant and nothing else.'),
      h('code', { class: 'secret' }, info.control_token || '')),
    h('div', { class: 'actions' },
      h('button', {
        type: 'button',
        onclick: async () => {
          if (!window.confirm(`Reset ${tenant} to its fixture?`)) return;
          try {
            await api.post(api.tenantPath(tenant, '/reset'));
            toast(`${tenant} reset`);
          } catch (err) {
            toast(err.message, 'error');
          }
        },
      }, 'Reset tenant'),
      h('button', {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          if (!window.confirm(`Delete ${tenant} and everything it holds?`)) return;
          try {
            await api.del(api.tenantPath(tenant));
            toast(`${tenant} deleted`);
            go(access.access === 'tenant' ? href(['login']) : href(['tenants']));
          } catch (err) {
            toast(err.message, 'error');
          }
        },
      }, 'Delete tenant')));
}
