// One dashboard panel: a card with its title, its as-of date, its own loading and error state,
// a chart (with a table as the accessible alternative), the SQL and sources of its numbers,
// exports, and "chiedi di più" which opens the same question in the chat.
import { h, icon } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { Chart, mapNote } from '../lib/chart.js';
import { renderTable, renderProvenance } from '../lib/table.js';
import { exportCSV, exportXLSX, exportPNG, exportSVG } from '../lib/export.js';
import { showError } from '../lib/boot.js';

// Panel is one card of the dashboard. spec: {key, title, kind ('line'|'map'), values?}.
export class Panel {
  constructor(spec) {
    this.spec = spec;
    this.table = null;
    this.seq = 0;
    const hid = `cz-panel-${spec.key}-h`;
    this.heading = h('h2', { class: 'card-title h5 mb-1', id: hid, text: spec.title });
    this.asof = h('p', { class: 'small text-muted mb-2', 'data-cz': 'panel-asof' });
    this.notes = h('div', { 'data-cz': 'panel-notes' });
    this.status = h('div', { class: 'cz-panel-status', 'data-cz': 'panel-status' });
    this.chartEl = h('div', { class: spec.kind === 'map' ? 'cz-map' : 'cz-chart', 'data-cz': 'chart', role: 'img', 'aria-label': spec.title });
    this.mapNoteEl = h('p', { class: 'small fst-italic mb-1', 'data-cz': 'map-note' });
    this.tableBox = h('div');
    this.tableDetails = h('details', { class: 'mt-2', 'data-cz': 'panel-table' },
      h('summary', { text: spec.kind === 'map' ? t('cruscotto.table.map') : t('cruscotto.table.show') }), this.tableBox);
    this.prov = h('div');
    this.ask = h('a', { class: 'btn btn-outline-primary btn-sm', 'data-cz': 'ask-more', href: '/chiedi', 'aria-label': t('cruscotto.askmore.aria', spec.title) },
      icon('it-comment', 'icon icon-sm icon-primary me-1'), t('cruscotto.askmore'));
    this.exports = h('div', { class: 'btn-group btn-group-sm flex-wrap ms-2', role: 'group', 'aria-label': t('export.label') },
      this.exportButton('csv', () => exportCSV(this.table)),
      this.exportButton('xlsx', () => exportXLSX(this.table)),
      this.exportButton('png', () => { const s = this.chart.svg(); return exportPNG(s.text, s.width, s.height, this.table.title); }),
      this.exportButton('svg', () => exportSVG(this.chart.svg().text, this.table.title)));
    this.extra = h('div', { class: 'mb-2' });
    this.el = h('section', { class: 'card card-bg cz-panel mb-4', 'aria-labelledby': hid, 'data-cz': 'panel', 'data-panel': spec.key, 'aria-busy': 'false' },
      h('div', { class: 'card-body' },
        this.heading, this.asof, this.extra, this.status, this.notes, this.chartEl,
        spec.kind === 'map' ? this.mapNoteEl : null,
        this.tableDetails, this.prov,
        h('div', { class: 'd-flex flex-wrap align-items-center gap-2 mt-3' }, this.ask, this.exports)));
    this.chart = new Chart(this.chartEl);
  }

  exportButton(kind, fn) {
    const b = h('button', { type: 'button', class: 'btn btn-outline-secondary', 'data-cz': 'export-' + kind, disabled: true, text: kind.toUpperCase(),
      'aria-label': `${kind.toUpperCase()} — ${t('export.' + kind)} — ${this.spec.title}` });
    b.addEventListener('click', async () => {
      try { await fn(); } catch (err) { showError(err, this.status); }
    });
    return b;
  }

  // setQuestion points "chiedi di più" at the chat with question q.
  setQuestion(q) {
    this.ask.href = '/chiedi?q=' + encodeURIComponent(q);
    this.ask.dataset.question = q;
  }

  // load runs fetch (a promise of the API's table) and shows its table; a newer load wins.
  async load(fetchTable, notes = []) {
    const seq = ++this.seq;
    this.el.setAttribute('aria-busy', 'true');
    this.el.dataset.state = 'loading';
    this.status.replaceChildren(h('div', { class: 'd-flex align-items-center gap-2 small' },
      h('div', { class: 'progress-spinner progress-spinner-active progress-spinner-sm' }, h('span', { class: 'visually-hidden', text: t('common.loading') })),
      h('span', { 'aria-hidden': 'true', text: t('common.loading') })));
    this.notes.replaceChildren(...notes.map((n) => h('p', { class: 'small text-muted mb-1', text: n })));
    for (const b of this.exports.querySelectorAll('button')) b.disabled = true;
    try {
      const table = await fetchTable();
      if (seq !== this.seq) return;
      this.table = table;
      this.asof.textContent = table.as_of ? t('common.asof', fmtDate(table.as_of)) : '';
      this.status.replaceChildren();
      this.tableBox.replaceChildren(renderTable(table));
      this.prov.replaceChildren(renderProvenance(table));
      if ((table.notes ?? []).length || table.suppressed) {
        this.notes.append(...(table.suppressed ? [h('p', { class: 'small text-muted mb-1', text: t('cruscotto.suppressed', table.suppressed) })] : []));
      }
      if (!(table.rows ?? []).length) {
        this.chart.dispose();
        this.chartEl.replaceChildren(h('p', { class: 'text-muted', text: t('common.none') }));
        this.chartEl.classList.add('cz-empty');
      } else {
        this.chartEl.classList.remove('cz-empty');
        await this.chart.draw(table, this.spec.kind, { values: this.spec.values });
        if (this.spec.kind === 'map') this.mapNoteEl.textContent = mapNote();
      }
      for (const b of this.exports.querySelectorAll('button')) b.disabled = (b.dataset.cz === 'export-png' || b.dataset.cz === 'export-svg') && !this.chart.ec;
      this.el.dataset.state = 'ready';
    } catch (err) {
      if (seq !== this.seq || err?.name === 'AbortError') return;
      this.table = null;
      this.status.replaceChildren();
      const box = showError(err, this.status);
      box.dataset.cz = 'panel-error';
      const retry = h('button', { type: 'button', class: 'btn btn-sm btn-outline-danger ms-2', text: t('cruscotto.panel.error.retry') });
      retry.addEventListener('click', () => this.load(fetchTable, notes));
      box.append(retry);
      this.el.dataset.state = 'error';
    } finally {
      if (seq === this.seq) this.el.setAttribute('aria-busy', 'false');
    }
  }

  resize() { this.chart.resize(); }
}
