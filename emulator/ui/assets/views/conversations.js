// Conversations: a platform's end users and each one's thread as a
// messenger shows it, kept live from the tenant's event stream; and acting
// as the user (write, press a button, subscribe, unsubscribe, a new user),
// through the same control endpoints any client uses.
import * as api from '../api.js';
import { coalesce, debounce, differs, fill, h, icon, soon, timeOf, toast, when } from '../dom.js';
import { RELOAD } from '../live.js';
import { PLATFORMS, USERS, platformName } from '../platforms.js';
import { go, href } from '../router.js';

// Events a thread keeps on the page: a long one shows its latest.
const MAX_SHOWN = 1000;
const PAGE = 1000;
// The last events read again with every change (see sync).
const WINDOW = 100;

// Messengers each platform names, offered when a user is created.
const MESSENGERS = {
  cleverapp: ['whatsapp', 'telegram', 'viber', 'vk', 'icq'],
  onebot: ['whatsapp', 'telegram', 'viber', 'vk', 'icq'],
  salebot: ['telegram', 'whatsapp', 'vkontakte', 'viber', 'facebook', 'instagram'],
  bothelp: ['telegram', 'facebook', 'instagram', 'vk', 'whatsapp'],
};

export function mount(main, { tenant, parts, query, live }) {
  const platform = parts[2];
  const userID = parts[3] === 'users' ? parts[4] : null;
  const base = api.tenantPath(tenant, `/${platform}`);
  const ctx = { tenant, platform, userID, base, q: query.get('q') || '' };
  const users = usersPane(ctx);
  const thread = threadPane(ctx);
  fill(main, h('div', { class: 'conv' }, users.el, thread.el));
  const off = live.on((event) => {
    if (RELOAD.has(event.type)) {
      users.refresh();
      thread.reload();
    } else if ((event.type === 'journal' && event.data.platform === platform) || (event.type === 'control' && event.data.path.includes(`/${platform}/`))) {
      users.refresh();
      thread.refresh();
    } else if (event.type === 'outbox' || event.type === 'clock') {
      thread.reload(); // scheduled messages became delivered
    }
  });
  users.refresh();
  thread.reload();
  return off;
}

function usersPane(ctx) {
  const { tenant, platform, userID } = ctx;
  const list = h('ul', { class: 'user-list', 'aria-label': USERS[platform] });
  const more = h('button', { type: 'button', class: 'link', hidden: true }, 'More');
  let next = null;
  let shown = [];

  const search = h('input', {
    type: 'search', name: 'q', value: ctx.q, placeholder: 'Search name, phone, id', 'aria-label': `Search ${USERS[platform].toLowerCase()}`,
    oninput: debounce(() => go(href(['tenants', tenant, platform, ...(userID ? ['users', userID] : [])], { q: search.value }), { replace: true }), 300),
  });

  async function load(after) {
    const page = await api.get(`${ctx.base}/users${api.query({ q: ctx.q, limit: 100, after })}`);
    next = page.next_after;
    more.hidden = next == null;
    return page.data;
  }
  const usersChanged = differs();
  async function refresh() {
    let first;
    try {
      first = await load();
    } catch (err) {
      fill(list, h('li', { class: 'error' }, err.message));
      return;
    }
    if (!usersChanged(first)) return;
    shown = first;
    draw();
  }
  more.addEventListener('click', async () => {
    shown = shown.concat(await load(next));
    draw();
  });
  function draw() {
    if (!shown.length) {
      fill(list, h('li', { class: 'muted pad-s' }, ctx.q ? 'Nobody matches.' : `No ${USERS[platform].toLowerCase()} yet.`));
      return;
    }
    fill(list, shown.map((u) => h('li', {},
      h('a', {
        href: href(['tenants', tenant, platform, 'users', String(u.id)], { q: ctx.q }),
        'aria-current': String(u.id) === userID ? 'page' : false,
        class: 'user',
      },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(u.name)),
      h('span', { class: 'who' },
        h('span', { class: 'name' }, u.name || `#${u.id}`),
        h('span', { class: 'sub' }, `${u.messenger} · ${u.id}`, u.subscribed ? null : h('span', { class: 'badge failed' }, 'unsubscribed')))))));
  }

  const el = h('aside', { class: 'users' },
    h('nav', { class: 'tabs', 'aria-label': 'Platforms' }, PLATFORMS.map(([name, label]) => h('a', {
      href: href(['tenants', tenant, name]), 'aria-current': name === platform ? 'page' : false,
    }, label))),
    h('form', { class: 'search', role: 'search', onsubmit: (e) => e.preventDefault() }, search),
    newUserForm(ctx),
    list, more);
  return { el, refresh: coalesce(refresh, 1000) };
}

function initials(name) {
  const words = String(name || '?').trim().split(/\s+/);
  return words.slice(0, 2).map((w) => w[0] || '').join('').toUpperCase();
}

function newUserForm(ctx) {
  const name = h('input', { name: 'name', placeholder: 'generated', 'aria-label': 'Name' });
  const messenger = h('input', { name: 'messenger', list: 'messengers', placeholder: 'default', 'aria-label': 'Messenger' });
  const phone = h('input', { name: 'phone', placeholder: 'generated', 'aria-label': 'Phone' });
  const form = h('details', { class: 'new-user' },
    h('summary', {}, `New ${USERS[ctx.platform].toLowerCase().replace(/s$/, '')}`),
    h('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        const body = {};
        for (const [key, input] of [['name', name], ['messenger', messenger], ['phone', phone]]) if (input.value) body[key] = input.value;
        try {
          const user = await api.post(`${ctx.base}/users`, body);
          toast(`${user.name} found the bot`);
          go(href(['tenants', ctx.tenant, ctx.platform, 'users', String(user.id)]));
        } catch (err) {
          toast(err.message, 'error');
        }
      },
    },
    h('datalist', { id: 'messengers' }, MESSENGERS[ctx.platform].map((m) => h('option', { value: m }))),
    h('label', {}, 'Name', name), h('label', {}, 'Messenger', messenger), h('label', {}, 'Phone', phone),
    h('button', { type: 'submit', class: 'primary' }, 'Create')));
  return form;
}

function threadPane(ctx) {
  const { platform, userID, base } = ctx;
  if (!userID) {
    const el = h('section', { class: 'thread empty' },
      h('p', { class: 'muted' }, `Pick one of the ${platformName(platform)} ${USERS[platform].toLowerCase()} on the left, or create one, to see the conversation and write as them.`));
    return { el, refresh() {}, reload() {} };
  }
  const userPath = `${base}/users/${encodeURIComponent(userID)}`;
  const header = h('header', { class: 'thread-head' }, h('h1', {}, `#${userID}`));
  const list = h('ol', { class: 'messages', 'aria-label': 'Conversation', 'aria-live': 'polite', 'data-testid': 'thread' });
  const note = h('p', { class: 'muted center', hidden: true });
  let events = [];
  let full = true;

  async function fetchAfter(after) {
    const out = [];
    for (;;) {
      const page = await api.get(`${userPath}/thread${api.query({ after, limit: PAGE })}`);
      out.push(...page.data);
      if (page.data.length < PAGE) return out;
      after = page.data[page.data.length - 1].id;
    }
  }

  // sync reads the thread's tail again: the events after the last ones
  // that can no longer move. A thread is in time order, and calls running
  // side by side can record their messages out of it (a later one first),
  // so the tail is a window of the last events, not just the last one; a
  // scheduled message sits at its due time, after what happens before it.
  // A second after a change the whole thread is read again, so a message
  // recorded later than the window reaches still shows.
  const nodes = new Map(); // event id → its elements
  const sync = coalesce(async () => {
    const whole = full;
    full = false;
    let anchor = whole ? -1 : events.length - 1 - WINDOW;
    while (anchor >= 0 && events[anchor].status === 'scheduled') anchor--;
    let fresh;
    try {
      fresh = await fetchAfter(anchor >= 0 ? events[anchor].id : undefined);
    } catch (err) {
      if (err.status === 400 && !whole) { // the event we had is gone (a reset): read it all
        full = true;
        return sync();
      }
      toast(err.message, 'error'); // what the page shows stays as it was
      return;
    }
    // The server's tail wins: an event it moved there is not kept twice.
    const moved = new Set(fresh.map((event) => event.id));
    show(events.slice(0, anchor + 1).filter((event) => !moved.has(event.id)).concat(fresh), whole);
  });

  // show makes the page show next, redrawing from the first event that
  // differs from what it shows (most reads change only the end).
  function show(next, whole) {
    const stick = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    const same = (a, b) => a.id === b.id && a.status === b.status;
    let from = 0;
    while (from < events.length && from < next.length && same(events[from], next[from])) from++;
    for (const gone of events.slice(from)) {
      for (const el of nodes.get(gone.id) || []) el.remove();
      nodes.delete(gone.id);
    }
    list.querySelector('.placeholder')?.remove();
    for (let i = from; i < next.length; i++) {
      const els = item(next[i], next[i - 1], press);
      nodes.set(next[i].id, els);
      list.append(...els);
    }
    events = next;
    while (list.children.length > MAX_SHOWN) list.firstElementChild.remove();
    note.hidden = events.length <= MAX_SHOWN;
    fill(note, `${events.length - MAX_SHOWN} earlier messages are not shown.`);
    if (!events.length) fill(list, h('li', { class: 'system placeholder' }, 'No messages yet.'));
    list.dataset.count = String(events.length);
    if (stick || whole) list.scrollTop = list.scrollHeight;
  }
  const settle = soon(() => {
    full = true;
    sync();
  }, 1000);

  async function press(event, button) {
    try {
      await api.post(`${userPath}/buttons`, { message_id: event.id, button: button.data || button.text });
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  const userChanged = differs();
  const loadUser = coalesce(async () => {
    let user;
    try {
      user = await api.get(userPath);
    } catch (err) {
      fill(header, h('h1', {}, `#${userID}`), h('p', { class: 'error' }, err.message));
      return;
    }
    if (!userChanged(user)) return;
    fill(header,
      h('span', { class: 'avatar big', 'aria-hidden': 'true' }, initials(user.name)),
      h('div', { class: 'who' },
        h('h1', {}, user.name || `#${user.id}`),
        h('p', { class: 'sub' }, [user.messenger, `id ${user.id}`, user.phone].filter(Boolean).join(' · '), ' ',
          h('span', { class: `badge ${user.subscribed ? 'delivered' : 'failed'}` }, user.subscribed ? 'subscribed' : 'unsubscribed'))),
      h('button', {
        type: 'button',
        onclick: async () => {
          try {
            await api.post(`${userPath}/${user.subscribed ? 'unsubscribe' : 'subscribe'}`);
          } catch (err) {
            toast(err.message, 'error');
          }
        },
      }, user.subscribed ? 'Unsubscribe' : 'Subscribe'));
  }, 500);

  const el = h('section', { class: 'thread' }, header, note, list, composer(userPath, () => sync()));
  return {
    el,
    refresh() {
      sync();
      settle();
      loadUser();
    },
    reload() {
      full = true;
      sync();
      loadUser();
    },
  };
}

// item draws one event of a thread, after its day when the day changed
// since the event before it.
function item(event, before, press) {
  const day = when(event.at).slice(0, 10);
  const out = [];
  if (!before || when(before.at).slice(0, 10) !== day) out.push(h('li', { class: 'system day', 'data-id': `day:${event.id}` }, day));
  out.push(bubble(event, press));
  return out;
}

function bubble(event, press) {
  const meta = h('span', { class: 'meta' },
    h('time', { datetime: event.at, title: when(event.at) }, timeOf(event.at)),
    event.operation ? h('span', { class: 'op' }, event.operation) : null,
    event.status && event.status !== 'delivered' ? h('span', { class: `badge ${event.status}` }, event.status) : null);
  if (event.direction === 'system' || ['subscribe', 'unsubscribe', 'event'].includes(event.kind)) {
    return h('li', { class: 'system', 'data-id': event.id }, systemText(event), ' ', meta);
  }
  return h('li', { class: `msg ${event.direction}`, 'data-id': event.id, 'data-kind': event.kind },
    h('div', { class: 'bubble' },
      event.kind === 'button_press' ? h('p', { class: 'pressed' }, 'pressed ', h('strong', {}, `«${event.text}»`)) : null,
      event.kind !== 'button_press' && event.text ? h('p', { class: 'text' }, event.text) : null,
      (event.attachments || []).map(attachment),
      event.buttons && event.buttons.length ? h('div', { class: 'buttons' }, event.buttons.map((b) => h('button', {
        type: 'button', title: b.data ? `callback data: ${b.data}` : null, onclick: () => press(event, b),
      }, b.text))) : null),
    meta);
}

function systemText(event) {
  if (event.kind === 'subscribe') return event.text || 'subscribed';
  if (event.kind === 'unsubscribe') return event.text || 'unsubscribed';
  return event.text || event.kind;
}

// attachment shows a file as a card with its link: the page never loads
// it, so a demo makes no request outside the emulator.
function attachment(a) {
  const name = a.name || decodeURIComponent(String(a.url || '').split(/[/?#]/).filter(Boolean).pop() || a.type);
  return h('a', { class: `attachment ${a.type}`, href: a.url, target: '_blank', rel: 'noopener noreferrer' },
    icon(a.type === 'image' ? 'image' : 'file'), h('span', {}, name), h('span', { class: 'sub' }, a.type));
}

function composer(userPath, sent) {
  const text = h('textarea', {
    id: 'composer-text', name: 'text', rows: 2, placeholder: 'Write as this user… (Enter sends, Shift+Enter starts a new line)',
    onkeydown: (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    },
  });
  const kind = h('select', { name: 'type', 'aria-label': 'Attachment type' }, ['image', 'file', 'video', 'audio'].map((t) => h('option', { value: t }, t)));
  const url = h('input', { name: 'url', type: 'url', placeholder: 'https://…', 'aria-label': 'Attachment URL' });
  const form = h('form', {
    class: 'composer',
    onsubmit: async (e) => {
      e.preventDefault();
      const body = { text: text.value };
      if (url.value) body.attachments = [{ type: kind.value, url: url.value }];
      if (!body.text && !body.attachments) return;
      try {
        const reaction = await api.post(`${userPath}/messages`, body);
        text.value = '';
        url.value = '';
        if (reaction.webhook) toast('Sent; the platform called the webhook of the system under test.');
        sent();
      } catch (err) {
        toast(err.message, 'error');
      }
    },
  },
  h('label', { for: 'composer-text', class: 'sr-only' }, 'Message'),
  text,
  h('details', { class: 'attach' }, h('summary', {}, 'Attach'), kind, url),
  h('button', { type: 'submit', class: 'primary' }, 'Send'));
  return form;
}
