// Esplora's form: the semantic layer's typed query as labelled, keyboard-usable controls built
// from the catalog (GET /api/v1/metrics). setState fills it from a state, state() reads it back.
import { h } from '../lib/dom.js';
import { t, lang } from '../lib/i18n.js';
import { empty, sourceOf, opsFor, GRAINS, COMPARES } from './state.js';

let uid = 0;
const nextID = (p) => `${p}-${++uid}`;

function name(x) {
  return (lang() === 'en' ? x.en : x.it) || x.name;
}

function labelled(label, control, { wrapper = 'form-group', help, cls = '' } = {}) {
  control.id ||= nextID('ez');
  const helpEl = help ? h('small', { id: control.id + '-help', class: 'form-text', text: help }) : null;
  if (helpEl) control.setAttribute('aria-describedby', helpEl.id);
  const isSelect = control.tagName === 'SELECT';
  return h('div', { class: `${isSelect ? 'select-wrapper' : wrapper} ${cls}`.trim() },
    h('label', { for: control.id, class: isSelect ? null : 'active', text: label }), control, helpEl);
}

function options(sel, list, value) {
  sel.replaceChildren(...list.map(([v, label]) => h('option', { value: v, text: label })));
  if (value && !list.some(([v]) => v === value)) sel.append(h('option', { value, text: t('esplora.unknown', value) }));
  sel.value = value ?? '';
  return sel;
}

// setSelect chooses value in sel; a value the list lacks (an unknown name from a shared URL) is
// added as such, so that the query goes to the API as it is and the API says what is wrong.
function setSelect(sel, value) {
  sel.querySelectorAll('option[data-unknown]').forEach((o) => o.remove());
  sel.value = value ?? '';
  if (value && sel.value !== value) {
    sel.append(h('option', { value, text: t('esplora.unknown', value), 'data-unknown': 'true' }));
    sel.value = value;
  }
}

// vlabelled is labelled for a part of a filter row's value (its text is set by relabel).
function vlabelled(part, control, opts) {
  const el = labelled(t('esplora.filter.' + part), control, opts);
  el.querySelector('label').dataset.part = part;
  return el;
}

// ExploreForm is the form; onSubmit(state) runs on submit, onChange(state) on every change.
export class ExploreForm {
  // labels names coded values for people: {sezione_ateco: {G: 'Commercio…'}}.
  constructor(catalog, { onSubmit, onReset, onCopy, labels = {} }) {
    this.catalog = catalog;
    this.labels = labels;
    this.filters = [];
    this.subset = [];
    this.metric = h('select', { name: 'metric', required: true, 'data-cz': 'ez-metric' });
    this.metricDesc = h('p', { class: 'small text-muted mb-0', id: nextID('ez-desc'), 'data-cz': 'ez-metric-desc' });
    this.metric.setAttribute('aria-describedby', this.metricDesc.id);
    this.base = h('select', { name: 'base', 'data-cz': 'ez-base' });
    this.groupBox = h('div', { class: 'cz-groupby', 'data-cz': 'ez-groupby' });
    this.filterBox = h('div', { 'data-cz': 'ez-filters' });
    this.subsetBox = h('div', { 'data-cz': 'ez-subset' });
    this.from = h('input', { type: 'date', class: 'form-control', name: 'from', 'data-cz': 'ez-from' });
    this.to = h('input', { type: 'date', class: 'form-control', name: 'to', 'data-cz': 'ez-to' });
    this.asOf = h('input', { type: 'date', class: 'form-control', name: 'as_of', 'data-cz': 'ez-asof' });
    this.grain = h('select', { name: 'grain', 'data-cz': 'ez-grain' });
    this.compare = h('select', { name: 'compare', 'data-cz': 'ez-compare' });
    this.orderBy = h('select', { name: 'order_by', 'data-cz': 'ez-order' });
    this.orderDir = h('select', { name: 'order_dir', 'data-cz': 'ez-dir' });
    this.limit = h('input', { type: 'number', min: '1', max: '5000', step: '1', class: 'form-control', name: 'limit', 'data-cz': 'ez-limit', inputmode: 'numeric' });
    this.error = h('div', { id: 'cz-esplora-error', class: 'cz-form-error', 'data-cz': 'ez-error', tabindex: '-1' });

    const bySource = Object.entries(catalog.sources ?? {});
    this.metric.append(h('option', { value: '', text: t('esplora.metric.choose') }));
    for (const [src, info] of bySource) {
      const ms = catalog.metrics.filter((m) => m.source === src);
      if (!ms.length) continue;
      this.metric.append(h('optgroup', { label: name(info) }, ms.map((m) => h('option', { value: m.name, text: name(m) }))));
    }
    options(this.grain, [['', t('esplora.grain.none')], ...GRAINS.map((g) => [g, t('esplora.grain.' + g)])], '');
    options(this.compare, [['', t('esplora.compare.none')], ...COMPARES.map((c) => [c, t('esplora.compare.' + c)])], '');
    options(this.orderDir, [['', t('esplora.dir.default')], ['desc', t('esplora.dir.desc')], ['asc', t('esplora.dir.asc')]], '');
    options(this.base, catalog.metrics.filter((m) => m.kind === 'flow' || m.kind === 'stock').map((m) => [m.name, name(m)]), 'imprese_attive');

    const addFilter = h('button', { type: 'button', class: 'btn btn-outline-primary btn-sm', 'data-cz': 'ez-add-filter', text: t('esplora.filter.add') });
    addFilter.addEventListener('click', () => { this.addRow(this.filters, this.filterBox, { dimension: '', op: '=', values: [] }, 'filter'); this.filters.at(-1).dim.focus(); });
    const addSubset = h('button', { type: 'button', class: 'btn btn-outline-primary btn-sm', text: t('esplora.subset.add') });
    addSubset.addEventListener('click', () => { this.addRow(this.subset, this.subsetBox, { dimension: '', op: '=', values: [] }, 'subset'); this.subset.at(-1).dim.focus(); });
    this.quotaBox = h('fieldset', { class: 'cz-fieldset mt-3', 'data-cz': 'ez-quota' },
      h('legend', { class: 'h6', text: t('esplora.quota') }),
      h('p', { class: 'small text-muted', text: t('esplora.quota.help') }),
      this.subsetBox, addSubset, labelled(t('esplora.base'), this.base, { cls: 'mt-3' }));

    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-cz': 'ez-submit', text: t('esplora.submit') });
    const reset = h('button', { type: 'button', class: 'btn btn-outline-secondary', 'data-cz': 'ez-reset', text: t('esplora.reset') });
    const copy = h('button', { type: 'button', class: 'btn btn-outline-secondary', 'data-cz': 'ez-copy-link', text: t('esplora.copylink') });
    reset.addEventListener('click', () => onReset());
    copy.addEventListener('click', () => onCopy(copy));

    this.el = h('form', { class: 'cz-esplora-form', 'data-cz': 'ez-form', novalidate: true, 'aria-labelledby': 'cz-esplora-form-h', 'aria-describedby': 'cz-esplora-error' },
      h('h2', { class: 'h4 visually-hidden', id: 'cz-esplora-form-h', text: t('esplora.form') }),
      h('fieldset', { class: 'cz-fieldset' }, h('legend', { class: 'h6', text: t('esplora.metric') }),
        labelled(t('esplora.metric.label'), this.metric), this.metricDesc, this.quotaBox),
      h('fieldset', { class: 'cz-fieldset mt-4' }, h('legend', { class: 'h6', text: t('esplora.groupby') }),
        h('p', { class: 'small text-muted', text: t('esplora.groupby.help') }), this.groupBox),
      h('fieldset', { class: 'cz-fieldset mt-4' }, h('legend', { class: 'h6', text: t('esplora.filters') }),
        this.filterBox, addFilter),
      h('fieldset', { class: 'cz-fieldset mt-4' }, h('legend', { class: 'h6', text: t('esplora.period') }),
        h('div', { class: 'row g-3' },
          h('div', { class: 'col-sm-6' }, labelled(t('esplora.from'), this.from)),
          h('div', { class: 'col-sm-6' }, labelled(t('esplora.to'), this.to)),
          h('div', { class: 'col-sm-6' }, labelled(t('esplora.grain'), this.grain)),
          h('div', { class: 'col-sm-6' }, labelled(t('esplora.asof'), this.asOf, { help: t('esplora.asof.help') })),
          h('div', { class: 'col-12' }, labelled(t('esplora.compare'), this.compare)))),
      h('fieldset', { class: 'cz-fieldset mt-4' }, h('legend', { class: 'h6', text: t('esplora.order') }),
        h('div', { class: 'row g-3' },
          h('div', { class: 'col-sm-5' }, labelled(t('esplora.order.by'), this.orderBy)),
          h('div', { class: 'col-sm-4' }, labelled(t('esplora.order.dir'), this.orderDir)),
          h('div', { class: 'col-sm-3' }, labelled(t('esplora.limit'), this.limit)))),
      this.error,
      h('div', { class: 'd-flex flex-wrap gap-2 mt-3' }, submit, reset, copy));

    this.metric.addEventListener('change', () => this.refresh());
    this.base.addEventListener('change', () => this.refresh());
    this.grain.addEventListener('change', () => this.refreshOrder());
    this.el.addEventListener('submit', (e) => { e.preventDefault(); onSubmit(this.state()); });
    this.group = [];
    this.setState(empty());
  }

  source() {
    return sourceOf({ metric: this.metric.value, base: this.base.value }, this.catalog);
  }

  // dims lists the dimensions that apply to the chosen metric (all of them before a choice).
  dims() {
    const src = this.source();
    return this.catalog.dimensions.filter((d) => !src || (d.sources ?? []).includes(src));
  }

  // refresh rebuilds what depends on the metric: description, group-by choices, quota block.
  refresh() {
    const m = this.catalog.metrics.find((x) => x.name === this.metric.value);
    this.metricDesc.textContent = m ? `${m.description ?? ''}${m.unit ? ' (' + t('esplora.unit', m.unit) + ')' : ''}` : t('esplora.metric.help');
    this.metricDesc.lang = 'it'; // descriptions are written in Italian
    this.quotaBox.hidden = this.metric.value !== 'quota';
    if (this.metric.value === 'quota' && !this.subset.length) this.addRow(this.subset, this.subsetBox, { dimension: 'femminile', op: '=', values: ['true'] }, 'subset');
    const chosen = new Set(this.groupValues());
    for (const x of this.pendingGroup ?? []) chosen.add(x);
    this.pendingGroup = null;
    const dims = this.dims();
    const extra = [...chosen].filter((g) => !dims.some((d) => d.name === g));
    this.group = [...dims.map((d) => [d.name, name(d)]), ...extra.map((g) => [g, t('esplora.unknown', g)])].map(([value, label]) => {
      const id = nextID('ez-g');
      const box = h('input', { type: 'checkbox', id, value, 'data-cz': 'ez-group' });
      box.checked = chosen.has(value);
      box.addEventListener('change', () => this.refreshOrder());
      return { box, el: h('div', { class: 'form-check form-check-inline' }, box, h('label', { for: id, text: label })) };
    });
    this.groupBox.replaceChildren(...this.group.map((g) => g.el));
    for (const r of [...this.filters, ...this.subset]) this.fillDims(r);
    this.refreshOrder();
  }

  groupValues() {
    return this.group.filter((g) => g.box.checked).map((g) => g.box.value);
  }

  refreshOrder() {
    const cur = this.pendingOrder ?? this.orderBy.value;
    this.pendingOrder = null;
    const list = [['', t('esplora.order.default')], ['value', t('esplora.order.value')]];
    if (this.grain.value || this.groupValues().some((g) => ['anno', 'trimestre', 'mese'].includes(g))) list.push(['periodo', t('esplora.order.periodo')]);
    for (const g of this.groupValues()) {
      const d = this.catalog.dimensions.find((x) => x.name === g);
      list.push([g, d ? name(d) : g]);
    }
    options(this.orderBy, list, cur);
  }

  fillDims(row) {
    const cur = row.dim.value || row.init.dimension;
    options(row.dim, [['', t('esplora.filter.choose')], ...this.dims().map((d) => [d.name, name(d)])], cur);
  }

  // addRow adds a filter (kind 'filter') or a quota subset row (kind 'subset').
  addRow(list, box, f, kind) {
    const n = list.length + 1;
    const row = { init: f, kind };
    row.dim = h('select', { 'data-cz': `ez-${kind}-dim` });
    row.op = h('select', { 'data-cz': `ez-${kind}-op` });
    row.valueBox = h('div', { class: 'col-9' });
    row.remove = h('button', { type: 'button', class: 'btn btn-outline-danger btn-sm', 'data-cz': `ez-${kind}-remove` });
    row.el = h('div', { class: 'row g-2 align-items-end cz-filter-row border-bottom pb-2 mb-3', 'data-cz': `ez-${kind}-row` },
      h('div', { class: 'col-6' }, labelled('', row.dim)),
      h('div', { class: 'col-6' }, labelled('', row.op)),
      row.valueBox,
      h('div', { class: 'col-3 text-end' }, row.remove));
    list.push(row);
    box.append(row.el);
    this.fillDims(row);
    row.dim.addEventListener('change', () => { row.init = { ...row.init, values: [] }; this.fillOps(row); });
    row.op.addEventListener('change', () => this.fillValue(row, this.rowValues(row)));
    row.remove.addEventListener('click', () => {
      list.splice(list.indexOf(row), 1);
      row.el.remove();
      this.relabel(list);
      (list.at(-1)?.dim ?? this.metric).focus();
    });
    this.fillOps(row, f.op, f.values);
    this.relabel(list);
    return row;
  }

  relabel(list) {
    list.forEach((row, i) => {
      row.prefix = t(row.kind === 'subset' ? 'esplora.subset.n' : 'esplora.filter.n', i + 1);
      this.relabelRow(row);
    });
  }

  // relabelRow names every control of a row after its position ("Filtro 2: valore").
  // The position is read by screen readers only; sighted users see the row.
  relabelRow(row) {
    const p = row.prefix;
    const set = (l, text) => l.replaceChildren(h('span', { class: 'visually-hidden', text: p + ': ' }), text);
    set(row.el.querySelector(`label[for="${row.dim.id}"]`), t('esplora.filter.dim'));
    set(row.el.querySelector(`label[for="${row.op.id}"]`), t('esplora.filter.op'));
    row.remove.textContent = t('esplora.filter.remove');
    row.remove.setAttribute('aria-label', `${t('esplora.filter.remove')} (${p})`);
    for (const l of row.valueBox.querySelectorAll('label[data-part]')) set(l, t('esplora.filter.' + l.dataset.part));
  }

  dimOf(row) {
    return this.catalog.dimensions.find((d) => d.name === row.dim.value);
  }

  fillOps(row, op, values) {
    const d = this.dimOf(row);
    const ops = opsFor(d);
    options(row.op, ops.map((o) => [o, t('esplora.op.' + o)]), op && (ops.includes(op) || !d) ? op : (row.op.value && ops.includes(row.op.value) ? row.op.value : '='));
    this.fillValue(row, values ?? []);
  }

  // fillValue builds the value control for the row's dimension and operator.
  fillValue(row, values) {
    const d = this.dimOf(row);
    const op = row.op.value;
    const known = d?.values ?? [];
    const names = this.labels[d?.name] ?? {};
    const show = (v) => (names[v] ? `${v} — ${names[v]}` : v);
    let controls;
    if (op === 'between') {
      const lo = h('input', { type: 'number', class: 'form-control', step: '1', value: values[0] ?? '' });
      const hi = h('input', { type: 'number', class: 'form-control', step: '1', value: values[1] ?? '' });
      controls = [lo, hi];
      row.valueBox.replaceChildren(h('div', { class: 'row g-2' },
        h('div', { class: 'col-6' }, vlabelled('low', lo)), h('div', { class: 'col-6' }, vlabelled('high', hi))));
    } else if (d?.type === 'bool') {
      const s = options(h('select', {}), [['true', t('common.yes')], ['false', t('common.no')]], values[0] ?? 'true');
      controls = [s];
      row.valueBox.replaceChildren(vlabelled('value', s));
    } else if (known.length && (op === 'in' || op === 'not_in')) {
      const s = h('select', { multiple: true, size: String(Math.min(6, known.length)), class: 'form-control cz-multi' },
        [...known, ...values.filter((v) => !known.includes(v))].map((v) => h('option', { value: v, text: show(v), selected: values.includes(v) })));
      controls = [s];
      row.valueBox.replaceChildren(vlabelled('values', s, { help: t('esplora.filter.multi') }));
    } else if (known.length) {
      const s = options(h('select', {}), [['', t('esplora.filter.pick')], ...known.map((v) => [v, show(v)])], values[0] ?? '');
      controls = [s];
      row.valueBox.replaceChildren(vlabelled('value', s));
    } else {
      const numeric = d?.type === 'months' || d?.name === 'anno';
      const multi = op === 'in' || op === 'not_in';
      const inp = h('input', { type: numeric && !multi ? 'number' : 'text', class: 'form-control', value: multi ? values.join(', ') : (values[0] ?? '') });
      controls = [inp];
      const help = multi ? t('esplora.filter.comma') : (d?.type === 'months' ? t('esplora.filter.months') : null);
      row.valueBox.replaceChildren(vlabelled(multi ? 'values' : 'value', inp, { help }));
      inp.dataset.multi = multi ? 'true' : '';
    }
    for (const c of controls) c.dataset.cz = `ez-${row.kind}-value`;
    row.controls = controls;
    if (row.prefix) this.relabelRow(row);
  }

  rowValues(row) {
    const c = row.controls ?? [];
    if (c.length === 2) return c.map((x) => x.value.trim());
    const x = c[0];
    if (!x) return [];
    if (x.multiple) return [...x.selectedOptions].map((o) => o.value);
    if (x.dataset.multi) return x.value.split(',').map((v) => v.trim()).filter(Boolean);
    return x.value.trim() === '' ? [] : [x.value.trim()];
  }

  // setState fills the form from a state (restored from the URL).
  setState(s) {
    setSelect(this.metric, s.metric);
    setSelect(this.base, s.base || 'imprese_attive');
    this.filters.splice(0).forEach((r) => r.el.remove());
    this.subset.splice(0).forEach((r) => r.el.remove());
    for (const f of s.subset) this.addRow(this.subset, this.subsetBox, f, 'subset');
    this.from.value = s.from;
    this.to.value = s.to;
    this.asOf.value = s.as_of;
    setSelect(this.grain, s.grain);
    setSelect(this.compare, s.compare);
    setSelect(this.orderDir, s.order_dir);
    this.limit.value = s.limit;
    this.group = [];
    this.pendingGroup = s.group_by;
    this.pendingOrder = s.order_by;
    this.refresh();
    for (const f of s.filters) this.addRow(this.filters, this.filterBox, f, 'filter');
  }

  // state reads the form.
  state() {
    const rows = (list) => list.map((r) => ({ dimension: r.dim.value, op: r.op.value || '=', values: this.rowValues(r) })).filter((f) => f.dimension);
    const s = empty();
    s.metric = this.metric.value;
    s.group_by = this.groupValues();
    s.filters = rows(this.filters);
    if (s.metric === 'quota') {
      s.subset = rows(this.subset);
      s.base = this.base.value === 'imprese_attive' ? '' : this.base.value;
    }
    s.from = this.from.value;
    s.to = this.to.value;
    s.as_of = this.asOf.value;
    s.grain = this.grain.value;
    s.compare = this.compare.value;
    s.order_by = this.orderBy.value;
    s.order_dir = s.order_by ? this.orderDir.value : '';
    s.limit = this.limit.value.trim();
    return s;
  }

  // showError puts the API's refusal (invalid: a 400, the query's fault) or another failure next
  // to the form (role=alert announces it).
  showError(msg, invalid = true) {
    this.error.replaceChildren(msg ? h('div', { class: 'alert alert-danger mt-3 mb-0', role: 'alert', 'data-cz': 'ez-error-msg' },
      h('strong', { text: t(invalid ? 'esplora.error' : 'esplora.failed') + ' ' }), msg) : '');
  }
}
