// Thumbs up or down on an answer, with an optional comment (POST /messages/{id}/feedback).
import { h, icon } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { announce } from '../lib/boot.js';

// feedbackForm is the form for the answer messageID (n makes its ids unique on the page).
export function feedbackForm(messageID, n) {
  let rating = 0;
  const cid = `cz-fb-${n}-comment`;
  const thumb = (value, name, label) => {
    const b = h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary', 'aria-pressed': 'false', 'data-cz': 'feedback-' + name },
      icon(value > 0 ? 'it-check-circle' : 'it-close-circle', 'icon icon-xs icon-primary me-1'), label);
    b.addEventListener('click', () => {
      rating = value;
      up.setAttribute('aria-pressed', String(value > 0));
      down.setAttribute('aria-pressed', String(value < 0));
      more.hidden = false;
      status.textContent = '';
      comment.focus();
    });
    return b;
  };
  const up = thumb(1, 'up', t('chiedi.feedback.up'));
  const down = thumb(-1, 'down', t('chiedi.feedback.down'));
  const comment = h('textarea', { id: cid, class: 'form-control', rows: '2', maxlength: '4000', 'data-cz': 'feedback-comment' });
  const send = h('button', { type: 'submit', class: 'btn btn-sm btn-primary mt-2', 'data-cz': 'feedback-send', text: t('chiedi.feedback.send') });
  const status = h('p', { class: 'small mb-0 mt-2', role: 'status', tabindex: '-1', 'data-cz': 'feedback-status' });
  const more = h('div', { class: 'form-group mt-2 mb-0', hidden: true },
    h('label', { for: cid, class: 'active', text: t('chiedi.feedback.comment') }), comment, send);
  const form = h('form', { class: 'cz-feedback mt-3', 'data-cz': 'feedback', novalidate: true },
    h('fieldset', {},
      h('legend', { class: 'small fw-semibold mb-1', text: t('chiedi.feedback.legend') }),
      h('div', { class: 'd-flex gap-2' }, up, down),
      more),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!rating) return;
    send.disabled = true;
    try {
      await api(`/messages/${messageID}/feedback`, { method: 'POST', body: { rating, comment: comment.value.trim() } });
      status.className = 'small mb-0 mt-2 text-success';
      status.textContent = t('chiedi.feedback.thanks');
      form.dataset.sent = 'true';
      more.hidden = true;
      up.disabled = true;
      down.disabled = true;
      status.focus();
      announce(t('chiedi.feedback.thanks'));
    } catch (err) {
      status.className = 'small mb-0 mt-2 text-danger';
      status.textContent = err.message;
      send.disabled = false;
    }
  });
  return form;
}
