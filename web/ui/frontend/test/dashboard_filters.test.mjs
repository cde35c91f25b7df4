// node --test: the dashboard's filter state, its URL, the typed-query filters and the Italian
// phrases of the "chiedi di più" questions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFilters, writeFilters, queryFilters, monthsBefore, periodo, contesto, aggettivo } from '../src/dashboard/filters.js';

const catalog = { dimensions: [
  { name: 'quartiere', sources: ['register', 'cig'] },
  { name: 'sezione_ateco', sources: ['register', 'cig'] },
  { name: 'femminile', sources: ['register', 'cig'] },
  { name: 'tipo_cig', sources: ['cig'] },
] };

test('filters round-trip through the URL; defaults stay out of it', () => {
  const f = readFilters('?quartiere=Navile&tipo=femminile&misura=giovanile&from=2025-01-01');
  assert.equal(writeFilters(f), '?from=2025-01-01&quartiere=Navile&tipo=femminile&misura=giovanile');
  assert.equal(writeFilters(readFilters('?misura=attive')), '');
  assert.equal(readFilters('?misura=nonsense').misura, 'attive');
});

test('typed-query filters, and the ones that do not apply to a source', () => {
  const f = readFilters('?quartiere=Savena&sezione_ateco=G&tipo=straniera');
  assert.deepEqual(queryFilters(f, 'register', catalog), { filters: [
    { dimension: 'quartiere', op: '=', value: 'Savena' }, { dimension: 'sezione_ateco', op: '=', value: 'G' },
    { dimension: 'straniera', op: '=', value: true }], skipped: [] });
  const suap = { dimensions: [{ name: 'quartiere', sources: ['suap'] }, { name: 'sezione_ateco', sources: ['register'] }] };
  assert.deepEqual(queryFilters(readFilters('?quartiere=Savena&sezione_ateco=G'), 'suap', suap).skipped, ['sezione_ateco']);
});

test('the default period is the last 24 months', () => {
  assert.equal(monthsBefore('2026-10-31', 24), '2024-11-01');
  assert.equal(monthsBefore('2026-01-31', 1), '2026-01-01');
});

test('questions say periods and sectors as people do', () => {
  assert.equal(periodo('2024-11-01', '2026-10-31'), ' da novembre 2024 a ottobre 2026');
  assert.equal(periodo('2025-02-01', '2025-02-28'), ' a febbraio 2025');
  assert.equal(periodo('2025-01-15', '2025-06-20'), ' dal 15 gennaio 2025 al 20 giugno 2025');
  assert.equal(periodo('', ''), '');
  assert.equal(contesto({ quartiere: 'Navile', sezione_ateco: 'F' }, { F: 'Costruzioni' }), ' nel quartiere Navile, nel settore Costruzioni');
  assert.equal(contesto({ sezione_ateco: 'F' }), ' nella sezione ATECO F');
  assert.equal(aggettivo('giovanile'), ' giovanili');
});
