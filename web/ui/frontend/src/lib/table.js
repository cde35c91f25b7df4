// Result tables as the API returns them (agent/tool.Table: columns, rows, sql, params,
// sources, as_of): an accessible HTML table with its provenance (SQL, sources, as-of date).
import { h, copyText } from './dom.js';
import { t, fmtNumber, fmtDate, fmtPeriod, catLabel } from './i18n.js';

// Number columns that name a year or an identifier: written as they are (2015, not 2.015).
const PLAIN = ['anno', 'year', 'id', 'lotto', 'batch_id', 'riga', 'line'];

// cell formats one value for display; digits fixes the decimals (a column's values alike).
export function cell(v, col, digits) {
  if (v == null) return '—';
  if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
  if (col?.type === 'number' || typeof v === 'number') {
    if (PLAIN.includes(col?.name)) return String(v);
    return fmtNumber(Number(v), digits);
  }
  if (col?.name === 'mese' || col?.name === 'trimestre') return fmtPeriod(String(v), true);
  if (col?.name === 'sezione_ateco') return catLabel(col.name, v);
  if (col?.type === 'date' || typeof v === 'string') return fmtDate(String(v));
  return String(v);
}

// decimals is the number of decimals a number column is written with: none when every value is
// whole, else the most any value has, at most 2 (11,60 under 11,64, not 11,6).
export function decimals(rows, i) {
  let d = 0;
  for (const r of rows) {
    const v = r[i];
    if (typeof v !== 'number' || Number.isInteger(v)) continue;
    const frac = String(v).split('.')[1] ?? '';
    d = Math.max(d, Math.min(2, frac.length));
  }
  return d;
}

// renderTable is the table alone (the id lets tests and exports find it).
export function renderTable(table) {
  const cols = table.columns ?? [];
  const thead = h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c.type === 'number' ? 'text-end' : null, text: c.label || c.name }))));
  const rows = table.rows ?? [];
  const digits = cols.map((c, i) => (c.type === 'number' && !PLAIN.includes(c.name) ? decimals(rows, i) : undefined));
  const tbody = h('tbody', {}, rows.map((r) => h('tr', {}, r.map((v, i) =>
    h('td', { class: cols[i]?.type === 'number' ? 'text-end' : null, text: cell(v, cols[i], digits[i]) })))));
  const caption = h('caption', { text: [table.title, table.as_of ? t('common.asof', fmtDate(table.as_of)) : ''].filter(Boolean).join(' · ') });
  return h('div', { class: 'table-responsive cz-table-wrap', tabindex: '0', role: 'region', 'aria-label': table.title || t('common.table') },
    h('table', { class: 'table table-sm table-striped align-middle', 'data-cz': 'result-table', 'data-table-id': table.id ?? '' }, caption, thead, tbody));
}

// renderProvenance shows the exact SQL (copyable), its parameters, the sources and as-of dates.
export function renderProvenance(table) {
  const sql = table.sql ?? '';
  const copy = h('button', { type: 'button', class: 'btn btn-xs btn-outline-primary ms-2', 'data-cz': 'copy-sql', text: t('common.copy') });
  copy.addEventListener('click', () => copyText(sql, copy, t('common.copied')));
  const params = (table.params ?? []).length ? h('p', { class: 'small mb-1' }, t('common.params') + ': ', h('code', { text: JSON.stringify(table.params) })) : null;
  const sources = (table.sources ?? []).map((s) => h('li', {}, h('strong', { text: s.name }), ' — ', s.description ?? '',
    s.as_of ? ' (' + t('common.asof', fmtDate(s.as_of)) + ')' : ''));
  const notes = (table.notes ?? []).map((n) => h('li', { text: n }));
  return h('details', { class: 'cz-provenance mt-2', 'data-cz': 'provenance' },
    h('summary', {}, t('common.provenance')),
    h('div', { class: 'mt-2' },
      h('p', { class: 'small mb-1' }, h('strong', { text: t('common.sql') }), copy),
      h('pre', { class: 'cz-sql p-2 bg-light border', 'data-cz': 'sql' }, h('code', { text: sql })),
      params,
      sources.length ? h('p', { class: 'small mb-1 fw-semibold', text: t('common.sources') }) : null,
      sources.length ? h('ul', { class: 'small' }, sources) : null,
      notes.length ? h('ul', { class: 'small text-muted' }, notes) : null));
}
