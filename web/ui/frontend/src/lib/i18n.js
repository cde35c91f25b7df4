// The page's strings: the server renders them (Italian or English, as the user chose) into a
// JSON block that is data, not script, so the strict Content-Security-Policy allows it.
let strings = null;

function load() {
  if (strings) return strings;
  const el = document.getElementById('cz-strings');
  strings = el ? JSON.parse(el.textContent) : {};
  return strings;
}

// t returns the string for key, with {0}, {1}... replaced by args; the key itself if missing.
export function t(key, ...args) {
  const s = load()[key] ?? key;
  return s.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)] ?? ''));
}

// lang is the page's language ("it" or "en").
export function lang() {
  return document.documentElement.lang || 'it';
}

// fmtNumber formats a number the Italian (or English) way.
export function fmtNumber(v, digits) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v == null ? '' : String(v);
  // useGrouping 'always': Italian CLDR data leaves four-digit numbers ungrouped (1031 but
  // 10.753), which puts 1031 and 10.753 side by side in one column; the answers' text writes 1.031.
  const opts = digits == null ? { maximumFractionDigits: 2 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  opts.useGrouping = 'always';
  return v.toLocaleString(lang() === 'en' ? 'en-GB' : 'it-IT', opts);
}

// fmtDate writes an ISO date (2026-10-31) as the city's documents do, 31/10/2026 (the English
// page too: dd/mm/yyyy, as en-GB); anything else is returned as it is.
export function fmtDate(v) {
  if (typeof v !== 'string') return v == null ? '' : String(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : v;
}

// catLabel is a category as a table or a chart axis shows it: an ATECO section with its short
// name ("G — Commercio"), anything else as it is.
export function catLabel(name, v) {
  if (name === 'sezione_ateco' && typeof v === 'string') {
    const k = 'ateco.' + v;
    const s = t(k);
    if (s !== k) return `${v} — ${s}`;
  }
  return v == null ? '' : String(v);
}

// fmtPeriod writes a period label: a month (2026-01, or the first day of a month in a monthly
// column) as "gen 2026" / "Jan 2026", a quarter (2025-T1) as "1° trim. 2025" / "Q1 2025", a
// date as fmtDate does; anything else as it is.
export function fmtPeriod(v, monthly = false) {
  if (typeof v !== 'string') return v == null ? '' : String(v);
  // a quarter (2025-T1) as the answer's text names it: "1° trim. 2025" / "Q1 2025"
  const q = /^(\d{4})-T([1-4])$/.exec(v);
  if (q) return t('period.quarter', q[2], q[1]);
  const m = /^(\d{4})-(\d{2})(-01)?$/.exec(v);
  if (m && (!m[3] || monthly)) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    return d.toLocaleString(lang() === 'en' ? 'en-GB' : 'it-IT', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  }
  return fmtDate(v);
}
