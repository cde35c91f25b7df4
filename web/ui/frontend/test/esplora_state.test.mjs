// node --test test/ : Esplora's URL state round-trips and becomes the API's typed query.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromURL, toURL, toQuery, empty, sourceOf, opsFor } from '../src/esplora/state.js';

const catalog = {
  metrics: [{ name: 'chiusure', source: 'register' }, { name: 'quota', source: 'register' }, { name: 'cig_domande', source: 'cig' }, { name: 'imprese_attive', source: 'register' }],
  dimensions: [
    { name: 'femminile', type: 'bool' }, { name: 'anzianita', type: 'months' }, { name: 'anno', type: 'time' },
    { name: 'quartiere', type: 'text' }, { name: 'sezione_ateco', type: 'text' },
  ],
};

test('a full state survives the URL', () => {
  const url = '?metric=chiusure&g=quartiere&g=anno&f=femminile%3A%3D%3Atrue&f=anzianita%3Abetween%3A12%7C36&f=quartiere%3Ain%3ANavile%7CSavena'
    + '&from=2020-01-01&to=2026-10-31&grain=year&as_of=2026-10-31&compare=previous_year&order=value%3Adesc&limit=5&chart=bar';
  const s = fromURL(url);
  assert.deepEqual(s.group_by, ['quartiere', 'anno']);
  assert.deepEqual(s.filters[1], { dimension: 'anzianita', op: 'between', values: ['12', '36'] });
  assert.equal(toURL(s), url);
  assert.deepEqual(toQuery(s, catalog), {
    metric: 'chiusure', group_by: ['quartiere', 'anno'],
    filters: [
      { dimension: 'femminile', op: '=', value: true },
      { dimension: 'anzianita', op: 'between', values: [12, 36] },
      { dimension: 'quartiere', op: 'in', values: ['Navile', 'Savena'] },
    ],
    from: '2020-01-01', to: '2026-10-31', time_grain: 'year', as_of: '2026-10-31', compare_to: 'previous_year',
    order: { by: 'value', dir: 'desc' }, limit: 5,
  });
});

test('a blank form is a blank URL; values with colons and spaces survive', () => {
  assert.equal(toURL(empty()), '');
  const s = { ...empty(), metric: 'imprese_attive', filters: [{ dimension: 'classe_forma', op: '=', values: ['società di capitale'] }, { dimension: 'ateco', op: '=', values: ['47.11:x'] }] };
  const back = fromURL(toURL(s));
  assert.deepEqual(back.filters, s.filters);
});

test('quota carries subset and base; sources follow the base', () => {
  const s = fromURL('?metric=quota&s=femminile:=:true&base=imprese_attive&g=quartiere');
  assert.deepEqual(toQuery(s, catalog), { metric: 'quota', group_by: ['quartiere'], subset: [{ dimension: 'femminile', op: '=', value: true }], base: 'imprese_attive' });
  assert.equal(sourceOf(s, catalog), 'register');
  assert.equal(sourceOf(fromURL('?metric=cig_domande'), catalog), 'cig');
});

test('unknown names go to the API as they are (it answers with did you mean)', () => {
  const q = toQuery(fromURL('?metric=chiusur&g=quartierx&f=femminil:=:si'), catalog);
  assert.deepEqual(q, { metric: 'chiusur', group_by: ['quartierx'], filters: [{ dimension: 'femminil', op: '=', value: 'si' }] });
});

test('ranges only for months and time dimensions', () => {
  assert.ok(opsFor({ type: 'months' }).includes('between'));
  assert.ok(!opsFor({ type: 'text' }).includes('<'));
});
