// Esplora's state: the typed query of the semantic layer as a plain object, its URL form (so
// that a link restores the form and runs the query), and the request body it becomes. Pure
// functions only (no DOM): tested with node --test (test/esplora_state.test.mjs).
//
// URL: ?metric=chiusure&g=quartiere&g=anno&f=femminile:=:true&f=anzianita:between:12|36
//      &from=2020-01-01&to=2026-10-31&grain=year&as_of=2026-10-31&compare=previous_year
//      &order=value:desc&limit=5&s=femminile:=:true&base=imprese_attive&chart=bar
// A filter is DIMENSION:OP:VALUES with the values separated by "|".

export const OPS_TEXT = ['=', '!=', 'in', 'not_in'];
export const OPS_ORDERED = ['=', '!=', 'in', 'not_in', '<', '<=', '>', '>=', 'between'];
export const GRAINS = ['month', 'quarter', 'year'];
export const COMPARES = ['previous_period', 'previous_year'];

// empty is the state of a blank form.
export function empty() {
  return { metric: '', group_by: [], filters: [], subset: [], base: '', from: '', to: '', grain: '', as_of: '', compare: '', order_by: '', order_dir: '', limit: '', chart: '' };
}

function parseFilter(s) {
  const i = s.indexOf(':');
  const j = i < 0 ? -1 : s.indexOf(':', i + 1);
  if (i < 0 || j < 0) return { dimension: s, op: '=', values: [] };
  const rest = s.slice(j + 1);
  return { dimension: s.slice(0, i), op: s.slice(i + 1, j) || '=', values: rest === '' ? [] : rest.split('|') };
}

function writeFilter(f) {
  return `${f.dimension}:${f.op || '='}:${(f.values ?? []).join('|')}`;
}

// fromURL reads a state from a query string.
export function fromURL(search) {
  const p = new URLSearchParams(search);
  const s = empty();
  s.metric = (p.get('metric') ?? '').trim();
  s.group_by = p.getAll('g').flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
  s.filters = p.getAll('f').filter(Boolean).map(parseFilter);
  s.subset = p.getAll('s').filter(Boolean).map(parseFilter);
  for (const k of ['base', 'from', 'to', 'grain', 'as_of', 'compare', 'limit', 'chart']) s[k] = (p.get(k) ?? '').trim();
  const order = (p.get('order') ?? '').trim();
  if (order) {
    const [by, dir] = order.split(':');
    s.order_by = by ?? '';
    s.order_dir = dir ?? '';
  }
  return s;
}

// toURL writes a state as a query string ("" for a blank form); the same state always gives
// the same string, so that replaceState/pushState can compare them.
export function toURL(s) {
  const p = new URLSearchParams();
  if (s.metric) p.set('metric', s.metric);
  for (const g of s.group_by ?? []) p.append('g', g);
  for (const f of s.filters ?? []) if (f.dimension) p.append('f', writeFilter(f));
  for (const f of s.subset ?? []) if (f.dimension) p.append('s', writeFilter(f));
  for (const k of ['base', 'from', 'to', 'grain', 'as_of', 'compare']) if (s[k]) p.set(k, s[k]);
  if (s.order_by) p.set('order', s.order_dir ? `${s.order_by}:${s.order_dir}` : s.order_by);
  if (s.limit) p.set('limit', String(s.limit));
  if (s.chart) p.set('chart', s.chart);
  const q = p.toString();
  return q ? '?' + q : '';
}

// typed turns a form value into what the API expects for the dimension: booleans for flags,
// whole numbers for anzianita ranges and years, text otherwise (the API canonicalises it).
function typed(dim, op, v) {
  const t = dim?.type;
  if (t === 'bool') {
    if (v === 'true') return true;
    if (v === 'false') return false;
    return v;
  }
  const ordered = ['<', '<=', '>', '>=', 'between'].includes(op);
  if ((t === 'months' && ordered) || dim?.name === 'anno') {
    return /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  }
  return v;
}

function filterBody(f, catalog) {
  const dim = catalog?.dimensions?.find((d) => d.name === f.dimension);
  const op = f.op || '=';
  const vals = (f.values ?? []).map((v) => v.trim()).filter((v) => v !== '').map((v) => typed(dim, op, v));
  if (op === 'in' || op === 'not_in' || op === 'between') return { dimension: f.dimension, op, values: vals };
  return { dimension: f.dimension, op, value: vals.length === 1 ? vals[0] : (vals.length ? vals : '') };
}

// toQuery is the body of POST /api/v1/metrics/query for a state. Nothing is checked here: the
// semantic layer refuses what is wrong, with every problem at once and a "did you mean".
export function toQuery(s, catalog) {
  const q = { metric: s.metric };
  if (s.group_by?.length) q.group_by = [...s.group_by];
  const filters = (s.filters ?? []).filter((f) => f.dimension).map((f) => filterBody(f, catalog));
  if (filters.length) q.filters = filters;
  if (s.metric === 'quota') {
    q.subset = (s.subset ?? []).filter((f) => f.dimension).map((f) => filterBody(f, catalog));
    if (s.base) q.base = s.base;
  }
  if (s.from) q.from = s.from;
  if (s.to) q.to = s.to;
  if (s.grain) q.time_grain = s.grain;
  if (s.as_of) q.as_of = s.as_of;
  if (s.compare) q.compare_to = s.compare;
  if (s.order_by) q.order = s.order_dir ? { by: s.order_by, dir: s.order_dir } : { by: s.order_by };
  if (s.limit !== '' && s.limit != null) {
    const n = Number(s.limit);
    q.limit = Number.isInteger(n) ? n : s.limit;
  }
  return q;
}

// sourceOf is the source a state's dimensions must apply to (the base's, for quota).
export function sourceOf(s, catalog) {
  const name = s.metric === 'quota' ? (s.base || 'imprese_attive') : s.metric;
  return catalog?.metrics?.find((m) => m.name === name)?.source ?? '';
}

// opsFor lists the operators a dimension takes (ranges only for months and time dimensions).
export function opsFor(dim) {
  return dim && (dim.type === 'months' || dim.type === 'time') ? OPS_ORDERED : OPS_TEXT;
}
