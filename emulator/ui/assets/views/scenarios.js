// Scenarios: the shipped ones and any pasted or uploaded here, run in a new
// tenant (or the open one), and a run's steps passing or failing as it
// goes, with the near miss of a failed step.
import * as api from '../api.js';
import { fill, h, toast, when } from '../dom.js';
import { go, href } from '../router.js';

const POLL_MS = 250; // while a run runs: its steps end in milliseconds

export function mount(main, { parts }) {
  const runID = parts[1] === 'runs' ? parts[2] : null;
  const shipped = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const runs = h('div', {});
  const detail = h('div', { class: 'detail-pane', 'aria-live': 'polite' });
  let stopped = false;
  let timer = null;

  const loadShipped = async () => {
    let list;
    try {
      list = (await api.get('/scenarios')).data;
    } catch (err) {
      fill(shipped, h('p', { class: err.status === 404 ? 'muted' : 'error' }, err.status === 404 ? 'This emulator serves no scenario runs.' : err.message));
      return;
    }
    fill(shipped, h('ul', { class: 'plain' }, list.map((s) => h('li', { class: 'scenario', 'data-file': s.file },
      h('div', {}, h('strong', {}, s.name), ' ', h('span', { class: 'muted' }, `${s.file} · ${s.steps} steps`), h('p', { class: 'sub' }, s.description)),
      h('button', { type: 'button', onclick: () => runShipped(s.file) }, 'Run')))));
  };
  const loadRuns = async () => {
    let list;
    try {
      list = (await api.get('/scenarios/runs')).data;
    } catch {
      fill(runs);
      return [];
    }
    fill(runs, list.length ? h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['Run', 'Scenario', 'Status', 'Started', 'ms'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, list.map((r) => h('tr', { class: r.id === runID ? 'selected' : '' },
        h('td', {}, h('a', { href: href(['scenarios', 'runs', r.id]) }, r.id)),
        h('td', {}, r.name), h('td', {}, h('span', { class: `badge ${r.status}` }, r.status)),
        h('td', {}, when(r.started_at)), h('td', { class: 'num' }, Math.round(r.duration_ms || 0))))))
      : h('p', { class: 'muted' }, 'No runs yet.'));
    return list;
  };
  const loadRun = async () => {
    if (!runID || stopped) return;
    let run;
    try {
      run = await api.get(`/scenarios/runs/${encodeURIComponent(runID)}`);
    } catch (err) {
      fill(detail, h('p', { class: 'error' }, err.message));
      return;
    }
    drawRun(detail, run);
    if (run.status === 'running' || run.status === 'pending') timer = setTimeout(loadRun, POLL_MS);
    else loadRuns();
  };
  const start = async (yaml, tenant) => {
    try {
      const started = await api.post(`/scenarios/runs${api.query({ tenant })}`, yaml);
      go(href(['scenarios', 'runs', started.id]));
    } catch (err) {
      toast(err.message, 'error');
    }
  };
  const runShipped = async (file) => {
    try {
      start(await api.get(`/scenarios/${encodeURIComponent(file)}`));
    } catch (err) {
      toast(err.message, 'error');
    }
  };

  fill(main, h('div', { class: 'fill-view scenarios' },
    h('h1', {}, 'Scenarios'),
    h('div', { class: 'split' },
      h('div', { class: 'list-pane' },
        h('section', { class: 'card' }, h('h2', {}, 'Shipped'), shipped),
        h('section', { class: 'card' }, h('h2', {}, 'Your own'), uploadForm(start)),
        h('section', { class: 'card' }, h('h2', {}, 'Runs'), runs)),
      detail)));
  loadShipped();
  loadRuns();
  if (runID) loadRun();
  else fill(detail, h('p', { class: 'muted' }, 'Run a scenario to watch its steps here.'));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function uploadForm(start) {
  const text = h('textarea', { id: 'scenario-text', name: 'scenario', rows: 8, placeholder: 'version: 1\nname: …\nsteps: …', spellcheck: false });
  const file = h('input', {
    type: 'file', accept: '.yaml,.yml,.json', 'aria-label': 'Scenario file',
    onchange: async () => {
      if (file.files[0]) text.value = await file.files[0].text();
    },
  });
  const tenant = h('input', { name: 'tenant', placeholder: 'a new one', size: 14 });
  return h('form', {
    onsubmit: (e) => {
      e.preventDefault();
      if (text.value.trim()) start(text.value, tenant.value.trim());
    },
  },
  h('label', { for: 'scenario-text' }, 'Paste a scenario (YAML or JSON) or open a file'), text,
  h('div', { class: 'fields' }, file, h('label', {}, 'in tenant ', tenant), h('button', { type: 'submit', class: 'primary' }, 'Run')));
}

const ICONS = { passed: '✓', failed: '✗', running: '…', pending: '·', skipped: '–' };

function drawRun(detail, run) {
  fill(detail, h('article', { class: 'entry run', 'data-testid': 'run', 'data-status': run.status },
    h('h2', {}, run.name, ' ', h('span', { class: `badge ${run.status}` }, run.status)),
    h('dl', { class: 'pairs' },
      h('dt', {}, 'Tenant'), h('dd', {}, !run.tenant ? '—'
        : run.status === 'running' ? h('a', { href: href(['tenants', run.tenant, 'calls']) }, run.tenant) // a run's own tenant goes when it ends
          : run.tenant),
      h('dt', {}, 'Started'), h('dd', {}, when(run.started_at)),
      h('dt', {}, 'Duration'), h('dd', {}, `${Math.round(run.duration_ms || 0)} ms`)),
    run.error ? h('p', { class: 'error' }, run.error) : null,
    run.output ? h('details', {}, h('summary', {}, 'Output of the system under test'), h('pre', { class: 'body' }, run.output)) : null,
    h('ol', { class: 'steps' }, (run.steps || []).map((s) => h('li', { class: `step ${s.status}`, 'data-status': s.status },
      h('span', { class: 'icon', 'aria-hidden': 'true' }, ICONS[s.status] || '?'),
      h('div', {},
        h('strong', {}, s.name || `step ${s.index + 1}`), ' ', h('span', { class: 'muted' }, s.kind), ' ',
        h('span', { class: 'sr-only' }, s.status),
        s.duration_ms != null ? h('span', { class: 'muted' }, ` ${Math.round(s.duration_ms)} ms`) : null,
        s.message ? h('p', {}, s.message) : null,
        s.status === 'failed' && s.expected !== undefined ? h('details', {}, h('summary', {}, 'Expected'), h('pre', { class: 'body' }, JSON.stringify(s.expected, null, 2))) : null,
        diffs(s.diffs),
        s.near_misses && s.near_misses.length ? h('details', { open: s.status === 'failed' },
          h('summary', {}, `Near misses (${s.near_misses.length})`),
          h('ul', {}, s.near_misses.map((m) => h('li', {}, `${m.summary} — ${m.met}/${m.of} met`, diffs(m.diffs))))) : null,
        s.detail ? h('pre', { class: 'body' }, s.detail) : null))))));
}

function diffs(list) {
  if (!list || !list.length) return null;
  return h('table', { class: 'grid compact' },
    h('thead', {}, h('tr', {}, ['Path', 'Expected', 'Actual'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, list.map((d) => h('tr', {},
      h('td', {}, h('code', {}, d.path)),
      h('td', {}, h('code', {}, JSON.stringify(d.expected))),
      h('td', {}, d.missing ? h('span', { class: 'muted' }, 'missing') : h('code', {}, JSON.stringify(d.actual)))))));
}
