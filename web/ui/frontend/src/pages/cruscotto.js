// Page "cruscotto": the dashboard. Four panels (openings/closures/saldo by month; active firms
// and the women-, youth-, foreign-led shares by quartiere on the map; CIG requests and hours by
// type), each one typed query of POST /api/v1/metrics/query, loaded in parallel with its own
// loading and error state. The filters (period, quartiere, sector, company type) apply to every
// panel and live in the URL.
import { announce, showError, pageData, markReady } from '../lib/boot.js';
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t, lang } from '../lib/i18n.js';
import { Panel } from '../dashboard/panel.js';
import { TIPI, MISURE, readFilters, writeFilters, queryFilters, monthsBefore } from '../dashboard/filters.js';
import { panelDefs } from '../dashboard/panels.js';

const root = document.getElementById('cz-cruscotto');
let catalog = null;
let latest = ''; // the latest register snapshot: the default end of the period
let state = readFilters(location.search);
let panels = [];
// ATECO sections by name (server data: the catalog lists them by letter)
const sezioni = Object.fromEntries((pageData().sezioni ?? []).map((x) => [x.code, x.name]));
const inputs = {};

function dimName(d) {
  return (lang() === 'en' ? d.en : d.it) || d.name;
}

function field(id, label, control, help) {
  control.id = id;
  if (help) control.setAttribute('aria-describedby', id + '-help');
  // Bootstrap Italia: selects in a select-wrapper (native arrow), inputs in a form-group
  return h('div', { class: 'col-12 col-md-6 col-xl-2' },
    h('div', { class: control.tagName === 'SELECT' ? 'select-wrapper' : 'form-group mb-0' },
      h('label', { for: id, class: 'active', text: label }), control,
      help ? h('small', { id: id + '-help', class: 'form-text', text: help }) : null));
}

function select(name, options, value) {
  const s = h('select', { name },
    options.map(([v, label]) => h('option', { value: v, text: label })));
  if (value && !options.some(([v]) => v === value)) s.append(h('option', { value, text: value }));
  s.value = value ?? '';
  return s;
}

function buildForm() {
  const quartieri = catalog.dimensions.find((d) => d.name === 'quartiere')?.values ?? [];
  const sezioniCodes = catalog.dimensions.find((d) => d.name === 'sezione_ateco')?.values ?? [];
  inputs.from = h('input', { type: 'date', class: 'form-control', name: 'from' });
  inputs.to = h('input', { type: 'date', class: 'form-control', name: 'to' });
  inputs.quartiere = select('quartiere', [['', t('cruscotto.all.quartieri')], ...quartieri.map((q) => [q, q])], state.quartiere);
  inputs.sezione_ateco = select('sezione_ateco', [['', t('cruscotto.all.sezioni')], ...sezioniCodes.map((s) => [s, sezioni[s] ? `${s} — ${sezioni[s]}` : s])], state.sezione_ateco);
  inputs.tipo = select('tipo', [['', t('cruscotto.all.tipi')], ...TIPI.map((x) => [x, t('cruscotto.tipo.' + x)])], state.tipo);
  const apply = h('button', { type: 'submit', class: 'btn btn-primary', 'data-cz': 'dash-apply', text: t('cruscotto.apply') });
  const reset = h('button', { type: 'button', class: 'btn btn-outline-secondary', 'data-cz': 'dash-reset', text: t('cruscotto.reset') });
  const form = h('form', { class: 'cz-filters card card-bg p-3 mb-4', 'data-cz': 'dash-filters', 'aria-labelledby': 'cz-dash-filters-h', novalidate: true },
    h('h2', { id: 'cz-dash-filters-h', class: 'h5', text: t('cruscotto.filters') }),
    h('p', { class: 'small text-muted', text: t('cruscotto.filters.help') }),
    h('div', { class: 'row g-3 align-items-end' },
      field('cz-f-from', t('cruscotto.from'), inputs.from),
      field('cz-f-to', t('cruscotto.to'), inputs.to),
      field('cz-f-quartiere', t('cruscotto.quartiere'), inputs.quartiere),
      field('cz-f-sezione', t('cruscotto.sezione'), inputs.sezione_ateco),
      field('cz-f-tipo', t('cruscotto.tipo'), inputs.tipo),
      h('div', { class: 'col-12 col-xl-2 d-flex gap-2' }, apply, reset)));
  const formError = h('div', { 'data-cz': 'dash-filter-error' });
  form.append(formError);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = { ...state };
    for (const k of ['from', 'to', 'quartiere', 'sezione_ateco', 'tipo']) next[k] = inputs[k].value.trim();
    formError.replaceChildren();
    if (next.from && next.to && next.from > next.to) {
      formError.append(h('div', { class: 'alert alert-danger mt-3 mb-0', role: 'alert', text: t('cruscotto.err.period') }));
      inputs.from.focus();
      return;
    }
    // the default period is not written into the URL: a shared link keeps "the last 24 months"
    if (next.to === latest && next.from === monthsBefore(latest, 24) && !state.from && !state.to) {
      next.from = '';
      next.to = '';
    }
    go(next, true);
  });
  reset.addEventListener('click', () => go({ misura: state.misura }, true));
  return form;
}

function fillForm() {
  const period = effectivePeriod();
  inputs.from.value = period.from;
  inputs.to.value = period.to;
  for (const k of ['quartiere', 'sezione_ateco', 'tipo']) {
    if (state[k] && ![...inputs[k].options].some((o) => o.value === state[k])) inputs[k].append(h('option', { value: state[k], text: state[k] }));
    inputs[k].value = state[k] ?? '';
  }
  if (inputs.misura) inputs.misura.value = state.misura;
}

// effectivePeriod is the filter's period, or the last 24 months of data when none is given.
function effectivePeriod() {
  let { from, to } = state;
  if (!to && !from && latest) {
    to = latest;
    from = monthsBefore(latest, 24);
  }
  return { from, to };
}

function go(next, push) {
  const onlyMap = next.misura !== state.misura && ['from', 'to', 'quartiere', 'sezione_ateco', 'tipo'].every((k) => (next[k] ?? '') === (state[k] ?? ''));
  state = { ...readFilters(''), ...next };
  const url = location.pathname + writeFilters(state);
  if (push && url !== location.pathname + location.search) history.pushState(null, '', url);
  fillForm();
  loadAll(onlyMap ? 'mappa' : null);
}

function query(body) {
  return api('/metrics/query', { method: 'POST', body }).then((r) => {
    const table = r.tables?.[0];
    if (!table) throw new Error(t('common.none'));
    return table;
  });
}

function sourceOf(metric) {
  return catalog.metrics.find((m) => m.name === metric)?.source ?? 'register';
}

// loadAll (re)loads every panel, or only the one named only, all at once; it resolves when
// every panel has its data (or its error) on screen.
function loadAll(only) {
  const loads = [];
  const period = effectivePeriod();
  const ctx = { state, period, catalog, latest, sezioni };
  for (const p of panels) {
    if (only && p.def.key !== only) continue;
    const def = p.def;
    const qs = def.query(ctx);
    const { filters, skipped } = queryFilters(state, sourceOf(def.base ?? qs.metric), catalog);
    const body = { ...qs, filters: [...(qs.filters ?? []), ...filters] };
    const notes = skipped.map((d) => t('cruscotto.skipped', dimName(catalog.dimensions.find((x) => x.name === d) ?? { name: d })));
    p.panel.setQuestion(def.question(ctx));
    loads.push(p.panel.load(() => query(body), notes));
  }
  announce(t('cruscotto.loading'));
  return Promise.allSettled(loads);
}

async function start() {
  try {
    catalog = await api('/metrics');
  } catch (err) {
    showError(err, root);
    return;
  }
  // The latest data date gives the default period (the last 24 months): the stock of active
  // firms is the cheapest query that carries it (answered by the aggregate).
  try {
    const probe = await query({ metric: 'imprese_attive' });
    latest = probe.as_of ?? '';
  } catch { /* the panels will show the error themselves */ }

  const form = buildForm();
  panels = panelDefs().map((def) => ({ def, panel: new Panel(def) }));
  const map = panels.find((p) => p.def.key === 'mappa');
  inputs.misura = select('misura', MISURE.map((m) => [m, t('cruscotto.misura.' + m)]), state.misura);
  inputs.misura.id = 'cz-f-misura';
  inputs.misura.addEventListener('change', () => go({ ...state, misura: inputs.misura.value }, true));
  map.panel.extra.append(h('div', { class: 'select-wrapper cz-measure mt-3' },
    h('label', { for: 'cz-f-misura', text: t('cruscotto.misura') }), inputs.misura));

  const grid = h('div', { class: 'row' }, panels.map((p) => h('div', { class: p.def.wide ? 'col-12' : 'col-12 col-xl-6' }, p.panel.el)));
  root.replaceChildren(form, grid);
  fillForm();
  loadAll().then(markReady);
  window.addEventListener('popstate', () => {
    state = readFilters(location.search);
    fillForm();
    loadAll();
  });
  let timer = null;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(() => panels.forEach((p) => p.panel.resize()), 150);
  });
}

start();
