// The token form: an emulator started with --control-token answers only
// to a token. It is kept in this tab's sessionStorage (gone when the tab
// closes) and sent as Authorization: Bearer; never put in a URL.
import * as api from '../api.js';
import { fill, h } from '../dom.js';
import { go, href } from '../router.js';

export function mount(main, { query, signedIn }) {
  const error = h('p', { class: 'error', role: 'alert' });
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', {
    class: 'card narrow',
    onsubmit: async (e) => {
      e.preventDefault();
      api.auth.set(input.value.trim());
      try {
        signedIn(await api.get('/whoami'));
        const next = query.get('next');
        go(next && next.startsWith('/__fakebots/ui/') && !next.includes('/login') ? next : href([]), { replace: true });
      } catch (err) {
        api.auth.clear();
        fill(error, err.status === 401 ? 'That token opens nothing here.' : err.message);
        input.focus();
      }
    },
  },
  h('h1', {}, 'Control token'),
  h('p', {}, 'This emulator runs with --control-token. Enter it, or a tenant\'s control_token to see that tenant only.'),
  h('label', { for: 'token' }, 'Token'), input, error,
  h('button', { type: 'submit', class: 'primary' }, 'Open'));
  fill(main, h('div', { class: 'pad' }, form));
  input.focus();
}
