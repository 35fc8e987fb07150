// The one way the page talks to the server: /api/v1 with the session cookie
// (sent by the browser, never seen by this code) and, on state-changing
// requests, the CSRF token the login or /auth/session handed out.
let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

// Called on a 401 from any request but the session probe and the login:
// the session ended (signed out elsewhere, expired, revoked).
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function unsafeHeaders() {
  return csrfToken ? {'X-CSRF-Token': csrfToken} : {};
}

export async function api(method, path, {json, body, quiet401 = false} = {}) {
  const headers = UNSAFE.has(method) ? unsafeHeaders() : {};
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const res = await fetch('/api/v1' + path, {method, headers, body, credentials: 'same-origin'});
  let data = null;
  if (res.status !== 204 && res.status !== 304) {
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (!res.ok) {
    const error = errorFrom(res.status, data, res.headers.get('Retry-After'));
    if (res.status === 401 && !quiet401) onUnauthorized(error);
    throw error;
  }
  return data;
}

export function errorFrom(status, data, retryAfter) {
  const e = data && data.error;
  const code = (e && e.code) || `http_${status}`;
  let message = (e && e.message) || `The server answered ${status}`;
  if (status === 429 && retryAfter) message += ` (try again in ${retryAfter} s)`;
  return new ApiError(status, code, message, retryAfter ? Number(retryAfter) : null);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const thumbUrl = (id, size) =>
  `/api/v1/photos/${encodeURIComponent(id)}/thumbnail` + (size ? `?size=${size}` : '');
export const originalUrl = (id) => `/api/v1/photos/${encodeURIComponent(id)}/original`;
