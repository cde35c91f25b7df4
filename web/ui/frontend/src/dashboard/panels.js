// The dashboard's panels: for each, the typed query it asks (before the shared filters are
// added) and the Italian question that opens the same thing in the chat.
import { t } from '../lib/i18n.js';
import { contesto, periodo, aggettivo, dataItaliana } from './filters.js';

const QUOTE = { femminile: 'femminili', giovanile: 'giovanili', straniera: 'straniere' };

// asOf is the reference date of the stock panels: the end of the period when the user set one
// before the latest data, else the latest snapshot (the API's default).
function asOf(ctx) {
  return ctx.state.to && ctx.latest && ctx.state.to < ctx.latest ? ctx.state.to : '';
}

// panelDefs lists the panels in page order.
export function panelDefs() {
  return [
    {
      key: 'movimento',
      title: t('cruscotto.panel.movimento'),
      kind: 'line',
      wide: true,
      values: ['aperture', 'chiusure', 'valore'],
      query: ({ period }) => ({ metric: 'saldo', time_grain: 'month', from: period.from, to: period.to, order: { by: 'periodo', dir: 'asc' } }),
      question: ({ state, period, sezioni }) =>
        `Aperture, chiusure e saldo delle imprese${aggettivo(state.tipo)} per mese${periodo(period.from, period.to)}${contesto(state, sezioni)}`,
    },
    {
      key: 'mappa',
      title: t('cruscotto.panel.mappa'),
      kind: 'map',
      wide: true,
      query: (ctx) => {
        const m = ctx.state.misura;
        const base = { group_by: ['quartiere'], as_of: asOf(ctx) || undefined };
        if (m === 'attive') return { metric: 'imprese_attive', ...base };
        return { metric: 'quota', subset: [{ dimension: m, op: '=', value: true }], ...base };
      },
      question: (ctx) => {
        const { state } = ctx;
        const quando = asOf(ctx) ? ` al ${dataItaliana(asOf(ctx))}` : '';
        if (state.misura === 'attive') return `Quante sono le imprese${aggettivo(state.tipo)} attive per quartiere${quando}${contesto(state, ctx.sezioni)}?`;
        return `Qual è la quota di imprese ${QUOTE[state.misura]} sulle imprese${aggettivo(state.tipo)} attive per quartiere${quando}${contesto(state, ctx.sezioni)}?`;
      },
    },
    {
      key: 'cig-domande',
      title: t('cruscotto.panel.cigdomande'),
      kind: 'line',
      query: ({ period }) => ({ metric: 'cig_domande', group_by: ['tipo_cig'], time_grain: 'month', from: period.from, to: period.to }),
      question: ({ state, period, sezioni }) =>
        `Domande di cassa integrazione per mese e per tipo${state.tipo ? ' delle imprese' + aggettivo(state.tipo) : ''}${periodo(period.from, period.to)}${contesto(state, sezioni)}`,
    },
    {
      key: 'cig-ore',
      title: t('cruscotto.panel.cigore'),
      kind: 'line',
      query: ({ period }) => ({ metric: 'cig_ore_richieste', group_by: ['tipo_cig'], time_grain: 'month', from: period.from, to: period.to }),
      question: ({ state, period, sezioni }) =>
        `Ore di cassa integrazione richieste per mese e per tipo${state.tipo ? ' dalle imprese' + aggettivo(state.tipo) : ''}${periodo(period.from, period.to)}${contesto(state, sezioni)}`,
    },
  ];
}
