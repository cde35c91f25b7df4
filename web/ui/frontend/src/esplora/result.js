// Esplora's result: the table, a chart with a switch among the kinds that fit, exports, and the
// SQL with its parameters and sources, plus the typed query that was sent.
import { h } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { Chart, chartKinds, mapNote } from '../lib/chart.js';
import { renderTable, renderProvenance } from '../lib/table.js';
import { exportCSV, exportXLSX, exportPNG, exportSVG } from '../lib/export.js';
import { showError } from '../lib/boot.js';

// Result is the results section; onKind(kind) is told when the user switches the chart.
export class Result {
  constructor({ onKind }) {
    this.onKind = onKind;
    this.heading = h('h2', { class: 'h4', id: 'cz-esplora-result-h', tabindex: '-1', text: t('esplora.result') });
    this.body = h('div', { 'data-cz': 'ez-result-body' }, h('p', { class: 'text-muted', text: t('esplora.result.empty') }));
    this.el = h('section', { class: 'cz-esplora-result mt-4', 'aria-labelledby': 'cz-esplora-result-h', 'data-cz': 'ez-result', 'aria-busy': 'false' },
      this.heading, this.body);
    this.chart = null;
  }

  loading() {
    this.el.setAttribute('aria-busy', 'true');
    this.el.dataset.state = 'loading';
    this.body.replaceChildren(h('div', { class: 'd-flex align-items-center gap-2' },
      h('div', { class: 'progress-spinner progress-spinner-active progress-spinner-sm' }, h('span', { class: 'visually-hidden', text: t('common.loading') })),
      h('span', { 'aria-hidden': 'true', text: t('esplora.running') })));
  }

  failed() {
    this.chart?.dispose();
    this.chart = null;
    this.el.setAttribute('aria-busy', 'false');
    this.el.dataset.state = 'error';
    this.body.replaceChildren(h('p', { class: 'text-muted', text: t('esplora.result.failed') }));
  }

  // show renders table; kind is the preferred chart kind (from the URL).
  async show(table, kind) {
    this.chart?.dispose();
    this.table = table;
    const kinds = chartKinds(table);
    const k = kinds.includes(kind) ? kind : kinds[0];
    const info = h('p', { class: 'small text-muted mb-2', 'data-cz': 'ez-result-info' },
      [t('common.rows', (table.rows ?? []).length), table.as_of ? t('common.asof', fmtDate(table.as_of)) : '',
        table.suppressed ? t('esplora.suppressed', table.suppressed) : ''].filter(Boolean).join(' · '));
    const chartEl = h('div', { class: k === 'map' ? 'cz-map' : 'cz-chart', 'data-cz': 'chart', role: 'img', 'aria-label': `${t('chart.label')}: ${table.title ?? ''}` });
    const note = h('p', { class: 'small fst-italic', 'data-cz': 'map-note' });
    const status = h('div');
    let switcher = null;
    if (kinds.length > 1) {
      switcher = h('fieldset', { class: 'cz-kinds mb-2', 'data-cz': 'chart-kinds' }, h('legend', { class: 'small fw-semibold mb-1', text: t('chart.kind') }),
        kinds.map((x) => {
          const id = 'cz-ez-kind-' + x;
          const r = h('input', { type: 'radio', name: 'cz-ez-kind', id, value: x, checked: x === k });
          r.addEventListener('change', async () => {
            if (!r.checked) return;
            chartEl.className = x === 'map' ? 'cz-map' : 'cz-chart';
            await this.draw(x, note);
            this.onKind(x);
          });
          return h('div', { class: 'form-check form-check-inline' }, r, h('label', { for: id, text: t('chart.' + x) }));
        }));
    }
    const btn = (kind, label, fn, needsChart) => {
      const b = h('button', { type: 'button', class: 'btn btn-outline-secondary', 'data-cz': 'export-' + kind, text: label, disabled: needsChart && !kinds.length });
      b.addEventListener('click', async () => { try { await fn(); } catch (err) { showError(err, status); } });
      return b;
    };
    const exports = h('div', { class: 'btn-group btn-group-sm flex-wrap', role: 'group', 'aria-label': t('export.label') },
      btn('csv', t('export.csv'), () => exportCSV(table)),
      btn('xlsx', t('export.xlsx'), () => exportXLSX(table)),
      btn('png', t('export.png'), () => { const s = this.chart.svg(); return exportPNG(s.text, s.width, s.height, table.title); }, true),
      btn('svg', t('export.svg'), () => exportSVG(this.chart.svg().text, table.title), true));
    const typed = h('details', { class: 'mt-2', 'data-cz': 'ez-typed-query' }, h('summary', { text: t('esplora.typed') }),
      h('pre', { class: 'cz-sql p-2 bg-light border' }, h('code', { text: JSON.stringify(table.query ?? {}, null, 2) })));
    this.body.replaceChildren(...[
      h('h3', { class: 'h5', 'data-cz': 'ez-result-title', text: table.title ?? '' }), info, status,
      (table.notes ?? []).length ? h('ul', { class: 'small text-muted' }, table.notes.map((n) => h('li', { text: n }))) : null,
      kinds.length ? switcher : h('p', { class: 'small text-muted', text: t('esplora.nochart') }),
      kinds.length ? chartEl : null, kinds.length ? note : null,
      h('div', { class: 'my-2' }, exports),
      renderTable(table), renderProvenance(table), typed].filter(Boolean));
    this.chartEl = chartEl;
    if (kinds.length) {
      this.chart = new Chart(chartEl);
      await this.draw(k, note);
    } else {
      this.chart = null;
    }
    this.el.setAttribute('aria-busy', 'false');
    this.el.dataset.state = 'ready';
    return k;
  }

  async draw(kind, note) {
    await this.chart.draw(this.table, kind);
    note.textContent = kind === 'map' ? mapNote() : '';
  }

  resize() { this.chart?.resize(); }
}
