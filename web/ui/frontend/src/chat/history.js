// The list of the user's conversations (GET /conversations): open one, delete one (with an
// inline confirmation, keyboard-operable), newest first; the open one is marked.
import { h, icon } from '../lib/dom.js';
import { t, lang } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { announce } from '../lib/boot.js';

function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(lang() === 'en' ? 'en-GB' : 'it-IT', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit' });
}

// History renders into box; onOpen(id) opens a conversation, onDeleted(id) follows a deletion.
export class History {
  constructor(box, { onOpen, onDeleted, focusAfterDelete }) {
    this.box = box;
    this.onOpen = onOpen;
    this.onDeleted = onDeleted;
    this.focusAfterDelete = focusAfterDelete;
    this.current = '';
    this.list = [];
  }

  async load() {
    try {
      const r = await api('/conversations');
      this.list = r.conversations ?? [];
      this.render();
    } catch (err) {
      this.box.replaceChildren(h('p', { class: 'small text-danger', role: 'alert', text: err.message }));
    }
  }

  setCurrent(id) {
    this.current = id ?? '';
    this.render();
  }

  render() {
    if (!this.list.length) {
      this.box.replaceChildren(h('p', { class: 'small text-muted', 'data-cz': 'history-empty', text: t('chiedi.history.empty') }));
      return;
    }
    this.box.replaceChildren(h('ul', { class: 'list-unstyled cz-history-list mb-0' }, this.list.map((c) => this.item(c))));
  }

  item(c) {
    const title = c.title || c.id;
    const open = h('button', { type: 'button', class: 'btn btn-link text-start p-0 cz-history-open', 'data-cz': 'history-open', 'data-id': c.id,
      'aria-current': c.id === this.current ? 'true' : null },
    h('span', { class: 'd-block fw-semibold cz-history-title', text: title }),
    h('span', { class: 'd-block small text-muted', text: [when(c.updated_at), t('chiedi.history.messages', c.messages)].join(' · ') +
      (c.id === this.current ? ' ' + t('chiedi.history.current') : '') }));
    open.addEventListener('click', () => this.onOpen(c.id));
    const del = h('button', { type: 'button', class: 'btn btn-sm btn-link text-danger p-0', 'data-cz': 'history-delete',
      'aria-label': t('chiedi.history.delete.aria', title) }, icon('it-delete', 'icon icon-xs icon-danger me-1'), t('chiedi.history.delete'));
    const li = h('li', { class: 'cz-history-item py-2', 'data-cz': 'history-item', 'data-id': c.id }, open, h('div', {}, del));
    del.addEventListener('click', () => this.confirm(li, c, title));
    return li;
  }

  // confirm replaces the item's delete button by "delete? yes / cancel", focused.
  confirm(li, c, title) {
    const yes = h('button', { type: 'button', class: 'btn btn-sm btn-danger', 'data-cz': 'history-delete-yes', text: t('chiedi.history.confirm.yes') });
    const no = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', text: t('chiedi.history.cancel') });
    const box = h('div', { class: 'cz-history-confirm mt-1', role: 'group', 'aria-label': t('chiedi.history.confirm', title) },
      h('p', { class: 'small mb-1', text: t('chiedi.history.confirm', title) }), h('div', { class: 'd-flex gap-2' }, yes, no));
    const actions = li.lastElementChild;
    actions.replaceWith(box);
    no.addEventListener('click', () => {
      box.replaceWith(actions);
      actions.querySelector('button')?.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api('/conversations/' + encodeURIComponent(c.id), { method: 'DELETE' });
        const i = this.list.findIndex((x) => x.id === c.id);
        this.list = this.list.filter((x) => x.id !== c.id);
        this.onDeleted(c.id);
        this.render();
        announce(t('chiedi.history.deleted'));
        const next = this.box.querySelectorAll('[data-cz="history-open"]')[Math.min(i, this.list.length - 1)];
        if (next) next.focus(); else this.focusAfterDelete();
      } catch (err) {
        yes.disabled = false;
        box.append(h('p', { class: 'small text-danger mb-0', role: 'alert', text: err.message }));
      }
    });
    yes.focus();
  }
}
