// Small DOM helpers: the dashboard builds its views with h(), no framework.

// h makes an element: props are attributes, except on* (listeners), class,
// and value/checked (properties); children are nodes, strings or arrays,
// with null and false left out.
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'class') el.className = value;
    else if (key === 'value' || key === 'checked') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

// fill replaces an element's children.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

// when shows an instant of a tenant's clock in the browser's time zone:
// "2024-10-16 13:00:05".
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// timeOf is the time of day of an instant: "13:00:05".
export const timeOf = (iso) => when(iso).slice(11);

// pretty shows a body for reading: JSON indented, a form one field a line,
// anything else as it came.
export function pretty(body, contentType = '') {
  if (!body) return '';
  const text = String(body);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON
  }
  if (contentType.includes('x-www-form-urlencoded') || /^[\w.%[\]-]+=[^&]*(&[\w.%[\]-]+=[^&]*)*$/.test(text)) {
    return [...new URLSearchParams(text)].map(([k, v]) => `${k} = ${v}`).join('\n');
  }
  return text;
}

// debounce runs fn once calls stop for ms.
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// differs returns a check that reports whether a value differs from the
// one it was last given: a live view redraws only what changed, so a
// control in it keeps the focus.
export function differs() {
  let last;
  return (value) => {
    const now = JSON.stringify(value);
    if (now === last) return false;
    last = now;
    return true;
  };
}

// soon runs fn ms after a call; the calls meanwhile join that run.
export function soon(fn, ms) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

// coalesce runs an async task at most once at a time: a trigger while it
// runs makes it run once more when it ends, however many came. Live views
// use it so a burst of events costs a few reads, never a queue of them.
// minGap spaces runs out (ms), for reads that cost more.
export function coalesce(task, minGap = 0) {
  let running = false;
  let again = false;
  let last = 0;
  async function run() {
    running = true;
    try {
      do {
        again = false;
        const wait = last + minGap - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        last = Date.now();
        await task();
      } while (again);
    } finally {
      running = false;
    }
  }
  return () => {
    if (running) again = true;
    else run().catch((err) => console.error(err));
  };
}

// toast shows a short message at the bottom of the page.
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const item = h('div', { class: `toast ${kind}` }, message);
  box.append(item);
  while (box.children.length > 2) box.firstElementChild.remove(); // the latest say enough
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// Icons drawn here, so no font or file is needed for them.
const ICONS = {
  image: 'M4 5h16v14H4z M4 16l5-5 4 4 3-3 4 4 M15 9.5a1.5 1.5 0 1 0 0.01 0',
  file: 'M6 3h8l4 4v14H6z M14 3v4h4',
};

export function icon(name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}
