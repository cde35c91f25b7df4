// Page "esplora": the semantic layer as a form. The whole state lives in the URL: opening a
// link restores the form and runs the query, submitting pushes a new history entry (back and
// forward restore and rerun), switching the chart replaces the current one.
import { announce, showError, pageData } from '../lib/boot.js';
import { api } from '../lib/api.js';
import { h, copyText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { fromURL, toURL, toQuery, empty } from '../esplora/state.js';
import { ExploreForm } from '../esplora/form.js';
import { Result } from '../esplora/result.js';

const root = document.getElementById('cz-esplora');
let catalog = null;
let form = null;
let result = null;
let state = empty();
let seq = 0;
let inflight = null;

function here() {
  return location.pathname + location.search;
}

// run sends the state's typed query and shows the table, or the API's refusal by the form.
async function run(s) {
  const n = ++seq;
  inflight?.abort();
  inflight = new AbortController();
  form.showError('');
  if (!s.metric) {
    result.body.replaceChildren(h('p', { class: 'text-muted', text: t('esplora.result.empty') }));
    return;
  }
  result.loading();
  announce(t('esplora.running'));
  try {
    const r = await api('/metrics/query', { method: 'POST', body: toQuery(s, catalog), signal: inflight.signal });
    if (n !== seq) return;
    const table = r.tables?.[0];
    if (!table) throw new Error(t('common.none'));
    await result.show(table, s.chart);
    announce(t('esplora.done', (table.rows ?? []).length, table.title ?? ''));
  } catch (err) {
    if (n !== seq || err?.name === 'AbortError') return;
    form.showError(err?.message || t('err.network'), err?.status === 400);
    result.failed();
  }
}

function restore() {
  state = fromURL(location.search);
  form.setState(state);
  run(state);
}

async function start() {
  try {
    catalog = await api('/metrics');
  } catch (err) {
    root.replaceChildren();
    showError(err, root);
    return;
  }
  result = new Result({
    onKind: (kind) => {
      state = { ...state, chart: kind };
      history.replaceState(null, '', location.pathname + toURL(state));
    },
  });
  form = new ExploreForm(catalog, {
    onSubmit: (s) => {
      state = { ...s, chart: state.chart };
      const url = location.pathname + toURL(state);
      if (url !== here()) history.pushState(null, '', url);
      run(state);
    },
    onReset: () => {
      state = empty();
      if (location.search) history.pushState(null, '', location.pathname);
      form.setState(state);
      run(state);
      form.metric.focus();
    },
    onCopy: (button) => copyText(location.href, button, t('esplora.copied')),
    // ATECO sections by name (server data: the catalog lists them by letter)
    labels: { sezione_ateco: Object.fromEntries((pageData().sezioni ?? []).map((x) => [x.code, x.name])) },
  });
  root.replaceChildren(h('div', { class: 'row' },
    h('div', { class: 'col-12 col-xl-5' }, h('div', { class: 'card card-bg p-3 mb-4' }, form.el)),
    h('div', { class: 'col-12 col-xl-7' }, result.el)));
  window.addEventListener('popstate', restore);
  let timer = null;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(() => result.resize(), 150);
  });
  restore();
}

start();
