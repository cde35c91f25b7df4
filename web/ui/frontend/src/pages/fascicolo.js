// Page "fascicolo": the company dossier (staff, admin). Search by name or codice fiscale
// (GET /api/v1/imprese?q=), a list of results, and the dossier (GET /api/v1/imprese/{cf}):
// register data, history (entries, state changes, moves between quartieri), CIG requests,
// SUAP permits and grants, each a table with its SQL, sources and as-of date. The URL holds
// the state: /fascicolo?q=rossi lists, /fascicolo?cf=01234567004 opens a dossier.
import { announce, showError, markReady } from '../lib/boot.js';
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';

// LIMIT is the most companies one search lists (the API's own bound).
const LIMIT = 50;

// put replaces el's children, leaving out the absent ones (replaceChildren would print "null").
const put = (el, ...children) => el.replaceChildren(...children.filter((c) => c != null && c !== false));
import { t, fmtDate } from '../lib/i18n.js';
import { renderTable, renderProvenance } from '../lib/table.js';

const root = document.getElementById('cz-fascicolo');
const input = h('input', { type: 'search', id: 'cz-fa-q', name: 'q', class: 'form-control', autocomplete: 'off',
  maxlength: '500', minlength: '3', required: true, 'aria-describedby': 'cz-fa-q-help', 'data-cz': 'company-query' });
const results = h('section', { class: 'cz-fa-results mb-4', 'aria-labelledby': 'cz-fa-results-h', 'data-cz': 'company-results', hidden: true });
const dossierBox = h('section', { class: 'cz-fa-dossier', 'data-cz': 'dossier', 'aria-live': 'polite' });
let sourcesAsOf = null; // kind -> as-of date of the latest batch (GET /sources)

// Each section's columns in the order of its SQL (the JSON rows are objects, keyed by name).
const SECTIONS = {
  cig: ['id_domanda', 'tipo', 'causale', 'dt_domanda', 'dt_autorizzazione', 'esito', 'ore_richieste', 'ore_autorizzate', 'lavoratori'],
  suap: ['id_pratica', 'tipo', 'settore', 'dt_presentazione', 'dt_conclusione', 'esito', 'indirizzo'],
  contributi: ['id_bando', 'titolo_bando', 'anno', 'importo_richiesto', 'importo_concesso', 'dt_concessione', 'esito'],
};
const NUMERIC = new Set(['ore_richieste', 'ore_autorizzate', 'lavoratori', 'importo_richiesto', 'importo_concesso', 'addetti']);
// Which of the dossier's SQL statements (in the order dossier.Get runs them) and source tables
// belong to each section.
const SQL_INDEX = { impresa: 0, eventi: 1, cig: 2, suap: 3, contributi: 4 };
const SOURCE_KIND = { imprese: 'imprese', imprese_eventi: 'imprese', cig_domande: 'cig', suap_pratiche: 'suap', contributi: 'contributi' };

function buildForm() {
  const form = h('form', { class: 'card card-bg p-3 mb-4', role: 'search', 'aria-labelledby': 'cz-fa-search-h', 'data-cz': 'company-search', novalidate: true },
    h('h2', { id: 'cz-fa-search-h', class: 'h5 mb-4', text: t('fascicolo.search') }),
    h('div', { class: 'row g-3 align-items-end' },
      h('div', { class: 'col-12 col-md-8' },
        h('div', { class: 'form-group mb-0' },
          h('label', { for: 'cz-fa-q', class: 'active', text: t('fascicolo.query') }), input,
          h('small', { id: 'cz-fa-q-help', class: 'form-text', text: t('fascicolo.query.help') }))),
      h('div', { class: 'col-12 col-md-4' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-cz': 'company-search-submit', text: t('common.search') }))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = input.value.trim();
    if (q.length < 3) {
      input.setAttribute('aria-invalid', 'true');
      announce(t('fascicolo.query.short'));
      showError(new Error(t('fascicolo.query.short')), root);
      return;
    }
    input.removeAttribute('aria-invalid');
    navigate({ q });
  });
  return form;
}

// navigate puts the state in the URL (a new history entry) and shows it.
function navigate(state) {
  const u = new URL(location.href);
  u.search = '';
  for (const [k, v] of Object.entries(state)) if (v) u.searchParams.set(k, v);
  history.pushState(null, '', u);
  show();
}

async function show() {
  const p = new URLSearchParams(location.search);
  const q = p.get('q') ?? '';
  const cf = (p.get('cf') ?? '').trim().toUpperCase();
  input.value = q || input.value;
  for (const el of root.querySelectorAll('.alert')) el.remove();
  if (q) await search(q, !cf);
  else results.hidden = true;
  if (cf) await openDossier(cf);
  else put(dossierBox);
  markReady();
}

async function search(q, focus) {
  results.hidden = false;
  put(results, h('h2', { id: 'cz-fa-results-h', class: 'h4', text: t('fascicolo.results') }),
    h('p', { class: 'text-muted', text: t('common.loading') }));
  let out;
  try {
    out = await api('/imprese?q=' + encodeURIComponent(q) + '&limit=' + LIMIT);
  } catch (err) {
    results.lastChild.remove();
    showError(err, results);
    return;
  }
  const list = out.candidates ?? [];
  // a full page of results may not be all of them: say so, and how to narrow the search
  const found = list.length === 1 ? t('fascicolo.results.one', q)
    : list.length >= LIMIT ? t('fascicolo.results.cap', list.length, q) : t('fascicolo.results.n', list.length, q);
  const heading = h('h2', { id: 'cz-fa-results-h', class: 'h4', tabindex: '-1', text: found });
  if (!list.length) {
    put(results, heading, h('p', { text: t('fascicolo.results.none') }));
  } else {
    const rows = list.map((c) => {
      const link = h('a', { href: '/fascicolo?' + new URLSearchParams({ q, cf: c.codice_fiscale }), 'data-cz': 'company-link', text: c.denominazione });
      link.addEventListener('click', (ev) => {
        if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
        ev.preventDefault();
        navigate({ q, cf: c.codice_fiscale });
      });
      return h('tr', {}, h('th', { scope: 'row' }, link), h('td', { text: c.codice_fiscale }), h('td', { text: c.stato }), h('td', { text: c.comune }));
    });
    put(results, heading, h('div', { class: 'table-responsive' },
      h('table', { class: 'table table-sm table-hover align-middle' },
        h('caption', { class: 'visually-hidden', text: t('fascicolo.results') }),
        h('thead', {}, h('tr', {}, [t('fascicolo.col.denominazione'), t('fascicolo.col.cf'), t('fascicolo.col.stato'), t('fascicolo.col.comune')]
          .map((x) => h('th', { scope: 'col', text: x })))),
        h('tbody', {}, rows))));
  }
  announce(found);
  if (focus) heading.focus();
}

async function loadSources() {
  if (sourcesAsOf) return sourcesAsOf;
  sourcesAsOf = {};
  try {
    const out = await api('/sources');
    for (const s of out.sources ?? []) if (s.as_of) sourcesAsOf[s.kind] = s.as_of;
  } catch { /* the dossier still shows; only the as-of of some sections is missing */ }
  return sourcesAsOf;
}

function label(name) {
  const k = 'fascicolo.field.' + name;
  const s = t(k);
  return s === k ? name : s;
}

// sectionTable builds an agent/tool.Table-shaped object for lib/table.js.
function sectionTable(id, title, columns, rows, sql, cf, sources, asOf) {
  return {
    id, title, as_of: asOf ?? '',
    columns: columns.map((c) => ({ name: c, label: label(c), type: NUMERIC.has(c) ? 'number' : 'string' })),
    rows, sql: sql ?? '', params: [cf],
    sources: sources.map((name) => ({ name, description: t('fascicolo.source.' + name), as_of: asOf ?? '' })),
  };
}

function section(id, heading, table, emptyText) {
  const body = table.rows.length ? renderTable(table) : h('p', { class: 'text-muted', text: emptyText });
  return h('section', { class: 'cz-fa-section mb-4', 'aria-labelledby': 'cz-fa-' + id + '-h', 'data-cz': 'dossier-' + id },
    h('h3', { id: 'cz-fa-' + id + '-h', class: 'h5', text: heading }),
    body, renderProvenance(table));
}

async function openDossier(cf) {
  put(dossierBox, h('p', { class: 'text-muted', text: t('common.loading') }));
  let d;
  let asOf;
  try {
    [d, asOf] = await Promise.all([api('/imprese/' + encodeURIComponent(cf)), loadSources()]);
  } catch (err) {
    put(dossierBox);
    showError(err.status === 404 ? new Error(t('fascicolo.notfound', cf)) : err, dossierBox);
    announce(err.status === 404 ? t('fascicolo.notfound', cf) : err.message);
    return;
  }
  const i = d.impresa;
  const sql = d.sql ?? [];
  const regAsOf = i.ultimo_snapshot;
  const grade = (v) => (v ? t('fascicolo.grade', v) : t('common.no'));
  const reg = [
    ['codice_fiscale', i.codice_fiscale], ['denominazione', i.denominazione], ['forma_giuridica', i.forma_giuridica],
    ['classe_forma', i.classe_forma], ['stato', i.stato], ['dt_iscrizione', i.dt_iscrizione], ['dt_cessazione', i.dt_cessazione],
    ['comune', i.comune], ['indirizzo', i.indirizzo], ['quartiere', i.quartiere], ['zona', i.zona], ['ateco', i.ateco],
    ['settore', i.settore], ['addetti', i.addetti], ['femminile', grade(i.femminile)], ['giovanile', grade(i.giovanile)],
    ['straniera', grade(i.straniera)], ['artigiana', i.artigiana], ['ultimo_snapshot', i.ultimo_snapshot],
  ].filter(([, v]) => v !== '' && v != null).map(([k, v]) => [label(k), v]);
  const regTable = sectionTable('fa-anagrafica', t('fascicolo.sec.anagrafica'), ['campo', 'valore'], reg, sql[SQL_INDEX.impresa], cf, ['imprese'], regAsOf);

  const eventi = d.eventi ?? [];
  const evTable = sectionTable('fa-storia', t('fascicolo.sec.storia'), ['as_of', 'tipo', 'prima', 'dopo'],
    eventi.map((e) => [e.as_of, t('fascicolo.evento.' + e.tipo) === 'fascicolo.evento.' + e.tipo ? e.tipo : t('fascicolo.evento.' + e.tipo), e.prima, e.dopo]),
    sql[SQL_INDEX.eventi], cf, ['imprese_eventi'], regAsOf);
  // Moves between quartieri: the "trasferimento" events, whose values are "indirizzo | quartiere".
  const quartiere = (v) => (v ?? '').split(' | ').slice(-1)[0];
  const moves = eventi.filter((e) => e.tipo === 'trasferimento' && quartiere(e.prima) !== quartiere(e.dopo));
  const moveTable = sectionTable('fa-trasferimenti', t('fascicolo.sec.trasferimenti'), ['as_of', 'quartiere_prima', 'quartiere_dopo'],
    moves.map((e) => [e.as_of, quartiere(e.prima), quartiere(e.dopo)]), sql[SQL_INDEX.eventi], cf, ['imprese_eventi'], regAsOf);

  const part = (key, source) => sectionTable('fa-' + key, t('fascicolo.sec.' + key), SECTIONS[key],
    (d[key] ?? []).map((r) => SECTIONS[key].map((c) => r[c] ?? null)), sql[SQL_INDEX[key]], cf, [source], asOf[SOURCE_KIND[source]]);

  const badges = h('p', {},
    h('span', { class: 'badge ' + (i.stato === 'ATTIVA' ? 'bg-success' : 'bg-secondary') + ' me-2', text: i.stato }),
    h('span', { class: 'text-muted', text: t('fascicolo.cf', i.codice_fiscale) }));
  const heading = h('h2', { class: 'h3', tabindex: '-1', 'data-cz': 'dossier-title', text: i.denominazione });
  const sourcesLine = h('p', { class: 'small text-muted', 'data-cz': 'dossier-asof' },
    t('fascicolo.asof', fmtDate(regAsOf) || '—', fmtDate(asOf.cig) || '—', fmtDate(asOf.suap) || '—', fmtDate(asOf.contributi) || '—'));
  put(dossierBox, 
    heading, badges, sourcesLine,
    i.masked ? h('div', { class: 'alert alert-info', role: 'note', text: t('fascicolo.masked') }) : null,
    section('anagrafica', t('fascicolo.sec.anagrafica'), regTable, ''),
    section('storia', t('fascicolo.sec.storia'), evTable, t('fascicolo.none.storia')),
    section('trasferimenti', t('fascicolo.sec.trasferimenti'), moveTable, t('fascicolo.none.trasferimenti')),
    section('cig', t('fascicolo.sec.cig'), part('cig', 'cig_domande'), t('fascicolo.none.cig')),
    section('suap', t('fascicolo.sec.suap'), part('suap', 'suap_pratiche'), t('fascicolo.none.suap')),
    section('contributi', t('fascicolo.sec.contributi'), part('contributi', 'contributi'), t('fascicolo.none.contributi')));
  document.title = i.denominazione + ' · ' + document.title.split(' · ').slice(-3).join(' · ');
  announce(t('fascicolo.opened', i.denominazione));
  heading.focus();
}

put(root, buildForm(), results, dossierBox);
window.addEventListener('popstate', show);
show();
