// The quoted passage of a citation in a Bootstrap Italia modal: document title, section, page,
// date, the passage, and the link to the original when there is one. Focus goes into the
// dialog and back to the button that opened it.
import Modal from '../../node_modules/bootstrap-italia/dist/plugins/modal.js';
import { h, icon } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';

// safeURL keeps only web links (a document's URL is data: never a javascript: link).
function safeURL(u) {
  return typeof u === 'string' && /^(https?:\/\/|\/(?!\/))/i.test(u) ? u : '';
}

// CitationDialog is the page's one passage dialog.
export class CitationDialog {
  constructor() {
    this.title = h('h2', { class: 'modal-title h5', id: 'cz-cite-title', 'data-cz': 'citation-title' });
    this.body = h('div', { class: 'modal-body', 'data-cz': 'citation-body' });
    const close = h('button', { type: 'button', class: 'btn-close', 'data-bs-dismiss': 'modal', 'aria-label': t('common.close') },
      icon('it-close', 'icon'));
    this.el = h('div', { class: 'modal fade', id: 'cz-cite', tabindex: '-1', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'cz-cite-title', 'data-cz': 'citation-dialog' },
      h('div', { class: 'modal-dialog modal-lg modal-dialog-scrollable', role: 'document' },
        h('div', { class: 'modal-content' },
          h('div', { class: 'modal-header' }, this.title, close),
          this.body,
          h('div', { class: 'modal-footer' },
            h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-bs-dismiss': 'modal', text: t('common.close') })))));
    document.body.append(this.el);
    this.modal = Modal.getOrCreateInstance(this.el);
    this.trigger = null;
    this.el.addEventListener('hidden.bs.modal', () => {
      delete this.el.dataset.open;
      this.trigger?.focus();
    });
    this.el.addEventListener('shown.bs.modal', () => { this.el.dataset.open = 'true'; });
  }

  // open shows citation c; trigger gets the focus back on close.
  open(c, trigger) {
    this.trigger = trigger;
    this.title.textContent = c.title || c.document;
    const facts = [
      [t('chiedi.citation.document'), c.title || c.document],
      [t('chiedi.citation.section'), c.section],
      c.page ? [t('chiedi.citation.page', '').trim(), String(c.page)] : null,
      c.date ? [t('chiedi.citation.date'), fmtDate(c.date)] : null,
    ].filter((f) => f && f[1]);
    this.body.replaceChildren(...[
      h('dl', { class: 'row small mb-2' }, facts.flatMap(([k, v]) => [h('dt', { class: 'col-sm-3', text: k }), h('dd', { class: 'col-sm-9 mb-1', text: v })])),
      h('h3', { class: 'h6', text: t('chiedi.citation.passage') }),
      h('blockquote', { class: 'cz-quote mb-3', 'data-cz': 'citation-quote' }, h('p', { class: 'mb-0', text: c.quote })),
      safeURL(c.url) ? h('a', { href: c.url, class: 'btn btn-outline-primary btn-sm', rel: 'noopener', 'data-cz': 'citation-link' },
        icon('it-external-link', 'icon icon-xs icon-primary me-1'), t('chiedi.citation.link')) : null].filter(Boolean));
    this.modal.show();
  }
}
