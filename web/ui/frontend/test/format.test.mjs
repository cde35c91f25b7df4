// node --test: how the tables write numbers and dates, Italian first — grouping from four
// digits (1.031, as the answers' text does), years and identifiers as they are, one number of
// decimals per column, ISO dates as dd/mm/yyyy.
import { test } from 'node:test';
import assert from 'node:assert/strict';

// i18n.js reads the page's language and strings from the document: a minimal stand-in.
const page = { lang: 'it' };
const strings = { 'ateco.G': 'Commercio', 'period.quarter': '{0}° trim. {1}' };
globalThis.document = { documentElement: page, getElementById: (id) => (id === 'cz-strings' ? { textContent: JSON.stringify(strings) } : null) };

const { fmtNumber, fmtDate, fmtPeriod, catLabel } = await import('../src/lib/i18n.js');
const { cell, decimals } = await import('../src/lib/table.js');

test('numbers are grouped from four digits, in Italian and in English', () => {
  page.lang = 'it';
  assert.equal(fmtNumber(1031), '1.031');
  assert.equal(fmtNumber(10753), '10.753');
  assert.equal(fmtNumber(985), '985');
  assert.equal(fmtNumber(1234.5, 1), '1.234,5');
  assert.equal(fmtNumber(0.25, 2), '0,25');
  page.lang = 'en';
  assert.equal(fmtNumber(1031), '1,031');
  assert.equal(fmtNumber(1234.5, 1), '1,234.5');
  page.lang = 'it';
});

test('ISO dates are written dd/mm/yyyy; anything else is left alone', () => {
  assert.equal(fmtDate('2026-10-31'), '31/10/2026');
  assert.equal(fmtDate('2026-10'), '2026-10');
  assert.equal(fmtDate('2025-T1'), '2025-T1');
  assert.equal(fmtDate('26/11/2026'), '26/11/2026');
  assert.equal(fmtDate(null), '');
});

test('months read gen 2026, quarters 1° trim. 2025; dates and other periods as fmtDate', () => {
  page.lang = 'it';
  assert.equal(fmtPeriod('2026-01'), 'gen 2026');
  assert.equal(fmtPeriod('2025-12'), 'dic 2025');
  assert.equal(fmtPeriod('2024-11-01', true), 'nov 2024');
  assert.equal(fmtPeriod('2024-11-01'), '01/11/2024');
  // a quarter as the answer's text names it ("1° trimestre 2025"), shortened like the months
  assert.equal(fmtPeriod('2025-T1'), '1° trim. 2025');
  assert.equal(cell('2025-T3', { name: 'trimestre', type: 'text' }), '3° trim. 2025');
  assert.equal(cell('2025-T3', { name: 'codice', type: 'text' }), '2025-T3');
  page.lang = 'en';
  assert.equal(fmtPeriod('2026-01'), 'Jan 2026');
  page.lang = 'it';
  assert.equal(cell('2026-04', { name: 'mese', type: 'text' }), 'apr 2026');
});

test('table cells: years as they are, grouped values, dates, one number of decimals per column', () => {
  assert.equal(cell(2015, { name: 'anno', type: 'number' }), '2015');
  assert.equal(cell(1031, { name: 'valore', type: 'number' }), '1.031');
  assert.equal(cell('2002-11-01', { name: 'data_iscrizione', type: 'string' }), '01/11/2002');
  assert.equal(cell('43791350374', { name: 'codice_fiscale', type: 'string' }), '43791350374');
  assert.equal(cell(null, { name: 'valore', type: 'number' }), '—');
  const rows = [['Navile', 11.04], ['Santo Stefano', 11.6], ['Savena', 12.02], ['x', null]];
  assert.equal(decimals(rows, 1), 2);
  assert.equal(cell(11.6, { name: 'quota', type: 'number' }, decimals(rows, 1)), '11,60');
  assert.equal(decimals([['a', 485], ['b', 1031]], 1), 0);
  assert.equal(decimals([['a', 0.123456]], 1), 2);
});

test('ATECO sections read with their short name; other categories as they are', () => {
  assert.equal(catLabel('sezione_ateco', 'G'), 'G — Commercio');
  assert.equal(catLabel('sezione_ateco', 'Z'), 'Z');
  assert.equal(catLabel('quartiere', 'G'), 'G');
  assert.equal(cell('G', { name: 'sezione_ateco', type: 'text' }), 'G — Commercio');
});

test('a citation names its section without repeating the document title', async () => {
  const { sectionWithin } = await import('../src/chat/where.js');
  assert.equal(sectionWithin('Bando «Giovani al lavoro in proprio» 2026 › 2. Chi può partecipare', 'Bando «Giovani al lavoro in proprio» 2026'), '2. Chi può partecipare');
  assert.equal(sectionWithin('BANDO PER LE IMPRESE CULTURALI E CREATIVE 2025 › 1. Obiettivo', 'Bando per le imprese culturali e creative 2025'), '1. Obiettivo');
  assert.equal(sectionWithin('DELIBERA DI GIUNTA N. 144/2024', 'Delibera di Giunta n. 144/2024 - Incubatore d\'impresa nel quartiere Navile'), '');
  assert.equal(sectionWithin('Art. 2 - Destinatari', 'Delibera di Giunta n. 144/2024'), 'Art. 2 - Destinatari');
  assert.equal(sectionWithin('', 'Titolo'), '');
});
