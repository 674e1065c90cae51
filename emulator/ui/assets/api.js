// The control API as the dashboard calls it: every call sends the token
// kept for this tab (sessionStorage), as any client's Authorization header.

export const PREFIX = '/__fakebots';
const TOKEN_KEY = 'fakebots.token';

export const auth = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  },
  set(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
  // onUnauthorized is set by the app: a 401 asks for a token.
  onUnauthorized: () => {},
};

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function headers(extra = {}) {
  const out = { Accept: 'application/json', ...extra };
  if (auth.token) out.Authorization = `Bearer ${auth.token}`;
  return out;
}

// call sends a control call; body is JSON unless it is a string (YAML).
export async function call(method, path, body) {
  const init = { method, headers: headers(), cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = typeof body === 'string' ? 'application/yaml' : 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(PREFIX + path, init);
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (res.status === 401) auth.onUnauthorized();
  if (!res.ok) throw new ApiError(res.status, (data && data.error) || `${res.status} ${res.statusText}`);
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const del = (path) => call('DELETE', path);

// tenantPath is a path under a tenant's control endpoints.
export const tenantPath = (tenant, rest = '') => `/tenants/${encodeURIComponent(tenant)}${rest}`;

// query builds "?a=1&b=2" from the set values of an object.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
