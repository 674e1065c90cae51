// A tenant's event stream (GET …/tenants/{id}/events, server-sent events)
// read with fetch: EventSource cannot send the Authorization header, and
// the token must never go into a URL (logs, history, Referer). It
// reconnects with a growing pause; every (re)connection starts with a
// "ready" event, after which the views read their state again.
import { PREFIX, auth, headers, tenantPath } from './api.js';

export function openStream(tenant, { onEvent, onStatus }) {
  let stopped = false;
  let controller = null;
  let pause = 500;

  async function connect() {
    controller = new AbortController();
    const res = await fetch(PREFIX + tenantPath(tenant, '/events'), {
      headers: headers({ Accept: 'text/event-stream' }),
      signal: controller.signal,
      cache: 'no-store',
    });
    if (res.status === 401) {
      auth.onUnauthorized();
      return 'stop';
    }
    if (res.status === 404) return 'gone';
    if (!res.ok) throw new Error(`event stream: ${res.status}`);
    onStatus('live');
    pause = 500;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'closed';
      buffered += value;
      let end;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const event = parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
        if (!event) continue;
        if (event.type === 'end') return event.data.reason === 'tenant deleted' ? 'gone' : 'closed';
        onEvent(event);
      }
    }
  }

  (async () => {
    while (!stopped) {
      let outcome;
      try {
        outcome = await connect();
      } catch {
        outcome = 'failed';
      }
      if (stopped || outcome === 'stop') return;
      if (outcome === 'gone') {
        onStatus('gone');
        return;
      }
      onStatus('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10000);
    }
  })();

  return {
    close() {
      stopped = true;
      if (controller) controller.abort();
    },
  };
}

// parse reads one frame: "event: type" and "data: json" lines; comments
// (keep-alives) give nothing.
function parse(frame) {
  let type = 'message';
  let data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('event: ')) type = line.slice(7);
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (!data) return null;
  try {
    return { type, data: JSON.parse(data) };
  } catch {
    return null;
  }
}
