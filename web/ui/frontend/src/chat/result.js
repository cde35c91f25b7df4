// One result table of an answer: title and as-of date, the chart that fits (line over time,
// bars for categories, the quartieri map for territory) with buttons to switch, the table
// itself, its SQL (copyable), parameters and sources, and the exports (CSV, XLSX, PNG, SVG).
import { h } from '../lib/dom.js';
import { t, fmtNumber, fmtDate } from '../lib/i18n.js';
import { Chart, chartKinds, mapNote } from '../lib/chart.js';
import { renderTable, renderProvenance } from '../lib/table.js';
import { exportCSV, exportXLSX, exportPNG, exportSVG } from '../lib/export.js';
import { showError } from '../lib/boot.js';

let blockSeq = 0;

// resultBlock builds the block of table tb (the n-th of its answer); call draw() once it is
// in the document.
export function resultBlock(tb, n) {
  const id = `cz-result-${++blockSeq}`;
  const kinds = chartKinds(tb);
  const title = tb.title || t('common.table');
  const facts = [tb.as_of ? t('common.asof', fmtDate(tb.as_of)) : '', t('chiedi.table.rows', fmtNumber((tb.rows ?? []).length)),
    tb.unit ? tb.unit : ''].filter(Boolean).join(' · ');
  const status = h('div', { 'data-cz': 'result-status' });
  const chartEl = h('div', { class: 'cz-chart', 'data-cz': 'chart', role: 'img', 'aria-label': t('chiedi.chart.aria', title) });
  const note = h('p', { class: 'small fst-italic mb-1', 'data-cz': 'map-note' });
  const chart = new Chart(chartEl);
  chartEl.czChart = chart;
  let kind = kinds[0];

  const switcher = kinds.length > 1 ? h('div', { class: 'btn-group btn-group-sm mb-2', role: 'group', 'aria-label': t('chart.kind'), 'data-cz': 'chart-kinds' },
    kinds.map((k) => {
      const b = h('button', { type: 'button', class: 'btn btn-outline-primary', 'data-cz': 'chart-kind', 'data-kind': k,
        'aria-pressed': String(k === kind), 'aria-label': t('chiedi.chart.switch', t('chart.' + k)), text: t('chart.' + k) });
      b.addEventListener('click', () => draw(k));
      return b;
    })) : null;

  const exportButton = (k, fn) => {
    const b = h('button', { type: 'button', class: 'btn btn-outline-secondary', 'data-cz': 'export-' + k, text: k.toUpperCase(),
      'aria-label': `${k.toUpperCase()} — ${t('export.' + k)}: ${title}` });
    b.addEventListener('click', async () => {
      status.replaceChildren();
      try { await fn(); } catch (err) { showError(err, status); }
    });
    return b;
  };
  const chartExports = kinds.length ? [
    exportButton('png', () => { const s = chart.svg(); return exportPNG(s.text, s.width, s.height, title); }),
    exportButton('svg', () => exportSVG(chart.svg().text, title)),
  ] : [];
  const exports = h('div', { class: 'btn-group btn-group-sm flex-wrap', role: 'group', 'aria-label': t('export.label') + ' — ' + title, 'data-cz': 'exports' },
    exportButton('csv', () => exportCSV(tb)), exportButton('xlsx', () => exportXLSX(tb)), chartExports);

  const notes = [];
  if (tb.suppressed) notes.push(h('p', { class: 'small text-muted mb-1', text: t(tb.suppressed === 1 ? 'chiedi.table.hidden1' : 'chiedi.table.suppressed', fmtNumber(tb.suppressed)) }));

  const el = h('section', { class: 'cz-result card card-bg mb-3', 'data-cz': 'result', 'data-table-id': tb.id ?? '', 'aria-labelledby': id + '-h' },
    h('div', { class: 'card-body' },
      h('h3', { class: 'h6 mb-1', id: id + '-h', text: title }),
      h('p', { class: 'small text-muted mb-2', 'data-cz': 'result-facts', text: facts }),
      notes,
      kinds.length ? [switcher, chartEl, note] : h('p', { class: 'small text-muted', text: t('chiedi.chart.none') }),
      renderTable(tb),
      renderProvenance(tb),
      h('div', { class: 'd-flex flex-wrap align-items-center gap-2 mt-2' }, exports),
      status));

  async function draw(k) {
    if (!k) return;
    kind = k;
    switcher?.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.kind === k)));
    chartEl.className = k === 'map' ? 'cz-map' : 'cz-chart';
    try {
      await chart.draw(tb, k);
      note.textContent = k === 'map' ? mapNote() : '';
    } catch (err) {
      showError(err, status);
    }
  }

  return { el, draw: () => draw(kind), chart };
}
