// Common start-up of every page: Bootstrap Italia's collapsible menu, the logout button, and
// the page's data rendered by the server (#cz-data).
import NavBarCollapsible from '../../node_modules/bootstrap-italia/dist/plugins/navbar-collapsible.js';
import { api } from './api.js';
import { t } from './i18n.js';

// pageData is the JSON the server rendered for this page.
export function pageData() {
  const el = document.getElementById('cz-data');
  try { return el ? JSON.parse(el.textContent) ?? {} : {}; } catch { return {}; }
}

// role is the signed-in user's role ("" on the login page).
export function role() {
  return document.body.dataset.role ?? '';
}

// announce says msg to screen readers through the page's polite live region.
export function announce(msg) {
  let el = document.getElementById('cz-live');
  if (!el) {
    el = document.createElement('div');
    el.id = 'cz-live';
    el.className = 'visually-hidden';
    el.setAttribute('aria-live', 'polite');
    el.setAttribute('role', 'status');
    document.body.append(el);
  }
  el.textContent = msg;
}

// showError puts an alert with err's message in container (or at the top of main).
export function showError(err, container) {
  const box = document.createElement('div');
  box.className = 'alert alert-danger';
  box.setAttribute('role', 'alert');
  box.textContent = err?.message || t('err.network');
  (container ?? document.getElementById('main')).prepend(box);
  return box;
}

function start() {
  const toggler = document.querySelector('[data-bs-toggle="navbarcollapsible"]');
  if (toggler) {
    const nav = document.getElementById('cz-nav');
    if (nav) NavBarCollapsible.getOrCreateInstance(nav);
  }
  document.querySelector('[data-cz="logout"]')?.addEventListener('click', async () => {
    try { await api('/auth/logout', { method: 'POST' }); } catch { /* the session is gone anyway */ }
    window.location.assign('/accedi');
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();

// markReady says the page has loaded its first data (body[data-ready="true"]): the browser
// tests and the browser benchmark wait for it.
export function markReady() {
  document.body.dataset.readyAt = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
}
