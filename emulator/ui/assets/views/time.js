// Time & faults: the tenant's clock (now, freeze, resume, advance, set,
// back to the global clock), its rate-limit switch, and its faults.
import * as api from '../api.js';
import { coalesce, differs, fill, h, toast, when } from '../dom.js';
import { RELOAD } from '../live.js';
import { PLATFORMS } from '../platforms.js';

export function mount(main, { tenant, live }) {
  const path = (rest) => api.tenantPath(tenant, rest);
  const now = h('p', { class: 'big-time', 'data-testid': 'tenant-time' }, '…');
  const mode = h('span', { class: 'badge' });
  const limits = h('input', { type: 'checkbox', id: 'limits', role: 'switch' });
  const limitsState = h('span', { class: 'badge', 'data-testid': 'limits-state' });
  const showLimits = (enabled) => {
    limits.checked = enabled;
    limitsState.textContent = enabled ? 'enforced' : 'off';
    limitsState.className = `badge ${enabled ? 'delivered' : ''}`;
  };
  const faults = h('div', { 'data-testid': 'faults' });

  const showClock = () => {
    const t = live.now();
    if (!t) return;
    now.textContent = when(t.toISOString());
    mode.textContent = live.clock.frozen ? 'frozen' : 'running';
    mode.className = `badge ${live.clock.frozen ? 'frozen' : 'running'}`;
    freeze.textContent = live.clock.frozen ? 'Resume' : 'Freeze';
  };
  const clockCall = async (action, body) => {
    try {
      await api.post(path(`/clock/${action}`), body);
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  const freeze = h('button', { type: 'button', 'data-testid': 'freeze', onclick: () => clockCall(live.clock && live.clock.frozen ? 'resume' : 'freeze') }, 'Freeze');
  const by = h('input', { id: 'advance-by', name: 'by', value: '1h', size: 8, 'aria-describedby': 'advance-help' });
  const at = h('input', { id: 'set-at', name: 'at', type: 'datetime-local', step: 1 });
  const frozenAt = h('input', { type: 'checkbox', name: 'freeze', checked: true });

  const loadLimits = async () => {
    try {
      showLimits((await api.get(path('/rate-limits'))).enabled);
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  limits.addEventListener('change', async () => {
    try {
      showLimits((await api.put(path('/rate-limits'), { enabled: limits.checked })).enabled);
    } catch (err) {
      toast(err.message, 'error');
    }
  });
  const faultsChanged = differs();
  const loadFaults = async () => {
    let list;
    try {
      list = (await api.get(path('/faults'))).data;
    } catch (err) {
      fill(faults, h('p', { class: 'error' }, err.message));
      return;
    }
    if (!faultsChanged(list)) return;
    fill(faults, list.length ? h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Fault', 'Platform', 'Operation', 'Left', 'Answer', 'Matched', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, list.map((f) => h('tr', {},
        h('td', {}, h('code', {}, f.id)), h('td', {}, f.platform), h('td', {}, f.operation || 'any'), h('td', {}, f.count),
        h('td', {}, answerOf(f)), h('td', {}, f.matched),
        h('td', {}, h('button', { type: 'button', onclick: () => removeFault(f.id) }, 'Remove'))))))
      : h('p', { class: 'muted' }, 'No faults: every request gets the platform\'s own answer.'));
  };
  const removeFault = async (id) => {
    try {
      await api.del(path(`/faults/${encodeURIComponent(id)}`));
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  const refresh = coalesce(async () => {
    await loadLimits();
    await loadFaults();
  }, 300);

  fill(main, h('div', { class: 'pad page time' },
    h('h1', {}, 'Time & faults'),
    h('section', { class: 'card' },
      h('h2', {}, 'Clock'),
      h('div', { class: 'clock-row' }, now, mode),
      h('p', { class: 'muted' }, 'The tenant\'s own time: scheduled sends, rate-limit windows and token expiry run on it. It follows the global clock until changed here.'),
      h('div', { class: 'actions' }, freeze,
        ['1m', '1h', '1d'].map((d) => h('button', { type: 'button', 'data-testid': `advance-${d}`, onclick: () => clockCall('advance', { by: d === '1d' ? '24h' : d }) }, `+${d}`)),
        h('button', { type: 'button', onclick: () => clockCall('reset') }, 'Follow the global clock')),
      h('form', { class: 'fields', onsubmit: (e) => { e.preventDefault(); clockCall('advance', { by: by.value }); } },
        h('label', { for: 'advance-by' }, 'Advance by'), by,
        h('button', { type: 'submit' }, 'Advance'),
        h('span', { id: 'advance-help', class: 'muted' }, 'a duration: 90s, 15m, 2h30m')),
      h('form', {
        class: 'fields',
        onsubmit: (e) => {
          e.preventDefault();
          if (!at.value) return;
          clockCall('set', { now: new Date(at.value).toISOString(), freeze: frozenAt.checked });
        },
      },
      h('label', { for: 'set-at' }, 'Set to'), at,
      h('label', {}, frozenAt, ' frozen'),
      h('button', { type: 'submit' }, 'Set'))),
    h('section', { class: 'card' },
      h('h2', {}, 'Rate limits ', limitsState),
      h('label', { for: 'limits', class: 'switch' }, limits, ' Enforce the platforms\' rate limits for this tenant')),
    h('section', { class: 'card' },
      h('h2', {}, 'Faults'),
      h('p', { class: 'muted' }, 'The next matching requests get this answer instead of the platform\'s: a status and body, a delay, or a dropped connection.'),
      faults,
      faultForm(path))));

  const off = live.on((event) => {
    if (event.type === 'clock' || event.type === 'ready') showClock();
    if (RELOAD.has(event.type) || event.type === 'control' || event.type === 'journal') refresh();
  });
  const ticker = setInterval(showClock, 1000);
  showClock();
  refresh();
  return () => {
    off();
    clearInterval(ticker);
  };
}

function answerOf(f) {
  const parts = [];
  if (f.drop) parts.push('drop the connection');
  if (f.status) parts.push(String(f.status));
  if (f.delay_ms) parts.push(`after ${f.delay_ms} ms`);
  if (f.body !== undefined && f.body !== null) parts.push(typeof f.body === 'string' ? f.body : JSON.stringify(f.body));
  return parts.join(' · ');
}

function faultForm(path) {
  const field = (name, props = {}) => h('input', { name, 'aria-label': name, ...props });
  const platform = h('select', { name: 'platform', 'aria-label': 'Platform' }, PLATFORMS.map(([name, label]) => h('option', { value: name }, label)));
  const operation = field('operation', { placeholder: 'any operation', size: 16 });
  const count = field('count', { type: 'number', min: 1, value: 1, size: 4 });
  const status = field('status', { type: 'number', min: 100, max: 599, placeholder: '503', size: 5 });
  const body = field('body', { placeholder: 'body (JSON or text)', size: 24 });
  const delay = field('delay_ms', { type: 'number', min: 0, placeholder: 'delay ms', size: 7 });
  const drop = h('input', { type: 'checkbox', name: 'drop' });
  return h('form', {
    class: 'fields wrap',
    'data-testid': 'add-fault',
    onsubmit: async (e) => {
      e.preventDefault();
      const fault = { platform: platform.value, count: Number(count.value) || 1 };
      if (operation.value) fault.operation = operation.value;
      if (status.value) fault.status = Number(status.value);
      if (delay.value) fault.delay_ms = Number(delay.value);
      if (drop.checked) fault.drop = true;
      if (body.value) {
        try {
          fault.body = JSON.parse(body.value);
        } catch {
          fault.body = body.value;
        }
      }
      try {
        await api.post(path('/faults'), fault);
        toast('Fault added');
      } catch (err) {
        toast(err.message, 'error');
      }
    },
  }, h('strong', {}, 'Add'), platform, operation, count, status, body, delay, h('label', {}, drop, ' drop'), h('button', { type: 'submit', class: 'primary' }, 'Add fault'));
}
