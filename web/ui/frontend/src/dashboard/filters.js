// The dashboard's filters: their state, its URL form (so that a dashboard can be shared and
// back/forward work), the typed-query filters they become, and the Italian words the "chiedi di
// più" questions use for them.

// Company types the dashboard filters by: each is a boolean dimension of the catalog.
export const TIPI = ['femminile', 'giovanile', 'straniera'];

// Map measures: active firms, or the share of one company type among them.
export const MISURE = ['attive', 'femminile', 'giovanile', 'straniera'];

const KEYS = ['from', 'to', 'quartiere', 'sezione_ateco', 'tipo', 'misura'];

// readFilters is the filter state in a query string (unknown values are kept: the API says
// what is wrong with them, the form shows them).
export function readFilters(search) {
  const p = new URLSearchParams(search);
  const f = {};
  for (const k of KEYS) f[k] = (p.get(k) ?? '').trim();
  if (!MISURE.includes(f.misura)) f.misura = 'attive';
  return f;
}

// writeFilters is the query string of a filter state (empty values and defaults left out).
export function writeFilters(f) {
  const p = new URLSearchParams();
  for (const k of KEYS) {
    if (!f[k] || (k === 'misura' && f[k] === 'attive')) continue;
    p.set(k, f[k]);
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

// queryFilters is the typed-query filters of a state for a metric whose source is source:
// the dimensions that do not apply to that source are returned apart, to be said on the panel.
export function queryFilters(f, source, catalog) {
  const out = [];
  const skipped = [];
  const add = (dimension, value) => {
    const d = catalog.dimensions.find((x) => x.name === dimension);
    if (d && !(d.sources ?? []).includes(source)) {
      skipped.push(dimension);
      return;
    }
    out.push({ dimension, op: '=', value });
  };
  if (f.quartiere) add('quartiere', f.quartiere);
  if (f.sezione_ateco) add('sezione_ateco', f.sezione_ateco);
  if (f.tipo) add(f.tipo, true);
  return { filters: out, skipped };
}

// monthsBefore is the first day of the month n-1 months before date (YYYY-MM-DD): with
// to = 2026-10-31 and n = 24, 2024-11-01.
export function monthsBefore(date, n) {
  const [y, m] = date.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - (n - 1), 1));
  return d.toISOString().slice(0, 10);
}

const MESI = ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'];

// dataItaliana writes 2026-10-31 as "31 ottobre 2026".
export function dataItaliana(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  if (!m) return iso ?? '';
  return `${Number(m[3])} ${MESI[Number(m[2]) - 1]} ${m[1]}`;
}

// contesto is the Italian phrase of the filters for a question: " nel quartiere Navile, nel
// settore Costruzioni" (sectors by name, as people say them; the company type is said by the
// caller, next to the noun).
export function contesto(f, sezioni = {}) {
  const parts = [];
  if (f.quartiere) parts.push(`nel quartiere ${f.quartiere}`);
  if (f.sezione_ateco) parts.push(sezioni[f.sezione_ateco] ? `nel settore ${sezioni[f.sezione_ateco]}` : `nella sezione ATECO ${f.sezione_ateco}`);
  return parts.length ? ' ' + parts.join(', ') : '';
}

function meseAnno(iso) {
  const [y, m] = iso.split('-').map(Number);
  return `${MESI[m - 1]} ${y}`;
}

function lastOfMonth(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate() === d;
}

// periodo is the period of a question: whole months as people say them (" da novembre 2024 a
// ottobre 2026"), other dates in full (" dal 15 gennaio 2025 al 20 giugno 2025"); "" without.
export function periodo(from, to) {
  const ok = (x) => /^\d{4}-\d{2}-\d{2}$/.test(x ?? '');
  if (ok(from) && ok(to) && from.endsWith('-01') && lastOfMonth(to)) {
    return from.slice(0, 7) === to.slice(0, 7) ? ` a ${meseAnno(from)}` : ` da ${meseAnno(from)} a ${meseAnno(to)}`;
  }
  if (from && to) return ` dal ${dataItaliana(from)} al ${dataItaliana(to)}`;
  if (from) return ` dal ${dataItaliana(from)}`;
  if (to) return ` fino al ${dataItaliana(to)}`;
  return '';
}

// aggettivo is the company-type adjective for a noun ("imprese femminili").
export function aggettivo(tipo) {
  return { femminile: ' femminili', giovanile: ' giovanili', straniera: ' straniere' }[tipo] ?? '';
}
