// The one way pages talk to the server: JSON over fetch with the session cookie and the CSRF
// token (rendered by the server into <meta name="csrf-token">), and SSE streams over POST.
import { t } from './i18n.js';

function csrf() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? '';
}

// ApiError carries the server's error code and its (Italian) message.
export class ApiError extends Error {
  constructor(status, code, message, requestID) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestID = requestID;
  }
}

async function fail(resp, redirect = true) {
  let body = null;
  try { body = await resp.json(); } catch { /* not JSON */ }
  const e = body?.error;
  if (resp.status === 401 && redirect) {
    window.location.assign('/accedi?next=' + encodeURIComponent(location.pathname + location.search));
  }
  throw new ApiError(resp.status, e?.code ?? 'http_' + resp.status, e?.message ?? t('err.http', resp.status), e?.request_id);
}

// api calls path under /api/v1 and returns the decoded JSON (or the Response when raw).
// A 401 sends the user to the login page, unless noLogin (the login form itself).
export async function api(path, { method = 'GET', body, signal, raw = false, headers = {}, noLogin = false } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = csrf();
  let payload = body;
  if (body !== undefined && !(body instanceof FormData) && typeof body !== 'string') {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const resp = await fetch('/api/v1' + path, { method, headers: h, body: payload, signal, credentials: 'same-origin' });
  if (!resp.ok) await fail(resp, !noLogin);
  if (raw) return resp;
  if (resp.status === 204) return null;
  return resp.json();
}

// stream POSTs body to an SSE endpoint and calls onEvent({event, data}) for each event, data
// decoded from JSON; it resolves when the stream ends.
export async function stream(path, body, onEvent, { signal } = {}) {
  const resp = await fetch('/api/v1' + path, {
    method: 'POST', credentials: 'same-origin', signal,
    headers: { Accept: 'text/event-stream', 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
    body: JSON.stringify(body),
  });
  if (!resp.ok) await fail(resp);
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let ev = { event: 'message', data: [] };
  const dispatch = () => {
    if (ev.data.length) {
      const raw = ev.data.join('\n');
      let data = raw;
      try { data = JSON.parse(raw); } catch { /* plain text */ }
      onEvent({ event: ev.event, data });
    }
    ev = { event: 'message', data: [] };
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (line === '') { dispatch(); continue; }
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const val = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') ev.event = val;
      else if (field === 'data') ev.data.push(val);
    }
  }
}
