// Webhooks: Salebot's webhook settings (the other platforms call none) and
// its delivery log, live, each delivery with its payload and attempts, and
// redelivery.
import * as api from '../api.js';
import { coalesce, differs, fill, h, pretty, toast, when } from '../dom.js';
import { RELOAD } from '../live.js';
import { href } from '../router.js';

export function mount(main, { tenant, parts, live }) {
  const base = api.tenantPath(tenant, '/salebot/webhook');
  const settings = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const log = h('tbody', { 'data-testid': 'deliveries' });
  const detail = h('div', { class: 'detail-pane', 'aria-live': 'polite' });
  const selected = parts[3] || null;
  let deliveries = [];

  const loadSettings = async () => {
    try {
      fill(settings, settingsForm(base, await api.get(base)));
    } catch (err) {
      fill(settings, h('p', { class: 'error' }, err.message));
    }
  };
  const logChanged = differs();
  const loadLog = coalesce(async () => {
    try {
      deliveries = (await api.get(`${base}/deliveries?limit=200`)).data;
    } catch (err) {
      fill(log, h('tr', {}, h('td', { colspan: 7, class: 'error' }, err.message)));
      return;
    }
    if (!logChanged(deliveries)) return;
    fill(log, deliveries.length ? deliveries.map((d) => h('tr', { 'data-id': d.id, class: String(d.id) === selected ? 'selected' : '' },
      h('td', {}, h('a', { href: href(['tenants', tenant, 'webhooks', String(d.id)]) }, `#${d.id}`)),
      h('td', { class: 'nowrap' }, when(d.created_at)),
      h('td', {}, h('span', { class: `badge ${d.outcome}` }, d.outcome)),
      h('td', {}, d.status || '—'),
      h('td', { class: 'num' }, d.attempts),
      h('td', { class: 'num' }, d.duration_ms.toFixed(1)),
      h('td', { class: 'num' }, d.message_id)))
      : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No deliveries yet: set a URL above, then let a client write or the API send.')));
    log.dataset.count = String(deliveries.length);
    if (selected) showDelivery(detail, base, deliveries.find((d) => String(d.id) === selected), selected);
  });

  fill(main, h('div', { class: 'fill-view webhooks' },
    h('h1', {}, 'Salebot webhook'),
    h('p', { class: 'muted' }, 'Salebot posts each message of a conversation to the project\'s webhook; CleverApp, Onebot and BotHelp call none.'),
    settings,
    h('div', { class: 'split' },
      h('div', { class: 'list-pane' },
        h('h2', {}, 'Deliveries'),
        h('table', { class: 'grid' },
          h('thead', {}, h('tr', {}, ['Delivery', 'Event at', 'Outcome', 'Status', 'Attempts', 'ms', 'Message'].map((t) => h('th', { scope: 'col' }, t)))),
          log)),
      detail)));
  if (!selected) fill(detail, h('p', { class: 'muted' }, 'Open a delivery to see its payload and attempts, and to send it again.'));
  const off = live.on((event) => {
    if (RELOAD.has(event.type) || event.type === 'webhook') loadLog();
    if (RELOAD.has(event.type) || (event.type === 'control' && event.data.path.endsWith('/salebot/webhook'))) loadSettings();
  });
  loadSettings();
  loadLog();
  return off;
}

// settingsForm edits the webhook settings as the control API shows them:
// an input per field, by its type.
function settingsForm(base, current) {
  const inputs = Object.entries(current).map(([key, value]) => {
    const input = typeof value === 'boolean'
      ? h('input', { type: 'checkbox', name: key, checked: value })
      : h('input', { name: key, type: typeof value === 'number' ? 'number' : key === 'url' ? 'url' : 'text', value: String(value ?? ''), size: key === 'url' ? 48 : 8 });
    return [key, value, input];
  });
  return h('form', {
    class: 'card fields wrap',
    'data-testid': 'webhook-settings',
    onsubmit: async (e) => {
      e.preventDefault();
      const body = {};
      for (const [key, value, input] of inputs) {
        body[key] = typeof value === 'boolean' ? input.checked : typeof value === 'number' ? Number(input.value) : input.value;
      }
      try {
        await api.put(base, body);
        toast('Webhook saved');
      } catch (err) {
        toast(err.message, 'error');
      }
    },
  }, inputs.map(([key, , input]) => h('label', {}, `${key} `, input)), h('button', { type: 'submit', class: 'primary' }, 'Save'));
}

function showDelivery(detail, base, d, id) {
  if (!d) {
    fill(detail, h('p', { class: 'muted' }, `Delivery #${id} is not among the latest.`));
    return;
  }
  fill(detail, h('article', { class: 'entry', 'data-testid': 'delivery' },
    h('h2', {}, `Delivery #${d.id} `, h('span', { class: `badge ${d.outcome}` }, d.outcome)),
    h('dl', { class: 'pairs' },
      h('dt', {}, 'URL'), h('dd', {}, h('code', { class: 'wrap' }, d.url)),
      h('dt', {}, 'Message'), h('dd', {}, d.message_id),
      h('dt', {}, 'Event at'), h('dd', {}, when(d.created_at)),
      d.error ? [h('dt', {}, 'Error'), h('dd', { class: 'error' }, d.error)] : null),
    h('button', {
      type: 'button',
      class: 'primary',
      'data-testid': 'redeliver',
      onclick: async () => {
        try {
          await api.post(`${base}/deliveries/${d.id}/redeliver`);
          toast(`Delivery #${d.id} sent again: it shows in the log when it ends.`);
        } catch (err) {
          toast(err.message, 'error');
        }
      },
    }, 'Redeliver'),
    h('h3', {}, 'Attempts'),
    d.attempt_log.length ? h('table', { class: 'grid compact' },
      h('thead', {}, h('tr', {}, ['At', 'Status', 'ms', 'Error'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, d.attempt_log.map((a) => h('tr', {}, h('td', {}, when(a.at)), h('td', {}, a.status || '—'), h('td', {}, a.duration_ms.toFixed(1)), h('td', {}, a.error || '')))))
      : h('p', { class: 'muted' }, 'Nothing was sent.'),
    h('h3', {}, 'Payload'),
    d.payload ? h('pre', { class: 'body' }, pretty(JSON.stringify(d.payload))) : h('p', { class: 'muted' }, 'None: nothing was sent.')));
}
