// Live is one tenant's event stream shared by the views: they subscribe to
// its events, and the header shows its clock and its connection.
import { openStream } from './stream.js';
import { fill, h, when } from './dom.js';

// Events after which a view reads its whole state again.
export const RELOAD = new Set(['ready', 'resync', 'reset']);

export class Live {
  constructor(tenant) {
    this.tenant = tenant;
    this.listeners = new Set();
    this.clock = null; // {now, frozen, seenAt}
    this.status = 'connecting';
    this.ticker = setInterval(() => this.showClock(), 1000);
    this.stream = openStream(tenant, {
      onEvent: (event) => this.dispatch(event),
      onStatus: (status) => this.setStatus(status),
    });
    this.setStatus('connecting');
  }

  // on calls fn with every event ({type, data}); it returns the unsubscribe.
  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  dispatch(event) {
    if (event.type === 'clock' || event.type === 'ready') {
      this.clock = { now: new Date(event.data.now), frozen: event.data.frozen, seenAt: Date.now() };
      this.showClock();
    }
    for (const fn of this.listeners) {
      try {
        fn(event);
      } catch (err) {
        console.error(err);
      }
    }
  }

  // now is the tenant's time: the last one heard, run on while not frozen.
  now() {
    if (!this.clock) return null;
    if (this.clock.frozen) return this.clock.now;
    return new Date(this.clock.now.getTime() + (Date.now() - this.clock.seenAt));
  }

  showClock() {
    const el = document.getElementById('clock');
    const now = this.now();
    if (!el || !now) return;
    fill(el,
      h('a', { href: `/__fakebots/ui/tenants/${encodeURIComponent(this.tenant)}/time`, title: 'The tenant\'s clock: open Time & faults' },
        h('span', { class: 'clock-time', 'data-testid': 'clock' }, when(now.toISOString())),
        h('span', { class: `badge ${this.clock.frozen ? 'frozen' : 'running'}` }, this.clock.frozen ? 'frozen' : 'running')));
  }

  setStatus(status) {
    this.status = status;
    const el = document.getElementById('status');
    if (!el) return;
    const text = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', gone: 'tenant deleted' }[status];
    fill(el, h('span', { class: `dot ${status}`, 'aria-hidden': 'true' }), text);
    el.dataset.status = status;
  }

  close() {
    clearInterval(this.ticker);
    this.stream.close();
    this.listeners.clear();
    for (const id of ['clock', 'status']) {
      const el = document.getElementById(id);
      if (el) fill(el);
    }
  }
}
