// Login page: password login through /api/v1/auth/login, then back to where the user was going.
import '../lib/boot.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { pageData } from '../lib/boot.js';

function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/chiedi';
}

const form = document.getElementById('login-form');
const msg = document.getElementById('login-error');
form?.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  msg.hidden = true;
  const fd = new FormData(form);
  try {
    await api('/auth/login', { method: 'POST', body: { username: fd.get('username'), password: fd.get('password') }, noLogin: true });
    window.location.assign(safeNext(pageData().next));
  } catch (err) {
    msg.textContent = err.status === 401 || err.status === 403 ? t('login.failed') : err.message;
    msg.hidden = false;
    msg.focus();
  }
});
