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
  const opts = digits == null ? { maximumFractionDigits: 2 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return v.toLocaleString(lang() === 'en' ? 'en-GB' : 'it-IT', opts);
}
