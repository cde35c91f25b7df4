// Charts of result tables with Apache ECharts (only the parts used, rendered as SVG so that a
// chart exports as SVG as it is and as PNG drawn from it). The kind is chosen from the table:
// a line over time, a choropleth of the quartieri for territory, bars for other categories;
// the user can switch among the kinds that fit.
import * as echarts from 'echarts/core';
import { LineChart, BarChart, MapChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, AriaComponent, TitleComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { api } from './api.js';
import { t, fmtNumber, fmtPeriod, catLabel } from './i18n.js';

echarts.use([LineChart, BarChart, MapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, AriaComponent, TitleComponent, SVGRenderer]);

const TIME = ['anno', 'trimestre', 'mese', 'periodo', 'data', 'as_of'];
const PALETTE = ['#0066cc', '#d9364f', '#008055', '#cc7a00', '#5c6f82', '#7a3e9d', '#0a8ea0', '#995c00', '#3f51b5', '#b71c1c', '#2e7d32', '#4a4a4a'];

function shape(table) {
  const cols = table.columns ?? [];
  const time = cols.findIndex((c) => TIME.includes(c.name) || c.type === 'date');
  // the value: "valore" when there is one, else the first number column that is not the time
  // axis (a year is a number column too)
  let num = cols.findIndex((c, i) => c.name === 'valore' && c.type === 'number' && i !== time);
  if (num < 0) num = cols.findIndex((c, i) => c.type === 'number' && i !== time);
  const cats = cols.map((c, i) => i).filter((i) => i !== num && i !== time && cols[i].type !== 'number');
  const quartiere = cols.findIndex((c) => c.name === 'quartiere');
  return { cols, num, time, cats, quartiere };
}

// chartKinds lists the charts that fit table, best first; empty when nothing to draw.
export function chartKinds(table) {
  const s = shape(table);
  if (s.num < 0 || !(table.rows ?? []).length) return [];
  if (s.time >= 0) return ['line', 'bar'];
  if (s.quartiere >= 0 && s.cats.length === 1) return ['map', 'bar'];
  if (s.cats.length >= 1) return ['bar'];
  return [];
}

let mapReady = null;
let mapInfo = null;

// quartieriMap registers the quartieri shapes once (from /api/v1/territorio/quartiere).
export function quartieriMap() {
  mapReady ??= api('/territorio/quartiere').then((geo) => {
    mapInfo = geo;
    echarts.registerMap('quartieri', geo);
    return geo;
  }).catch((err) => { mapReady = null; throw err; });
  return mapReady;
}

function series(table, s, values) {
  const rows = table.rows ?? [];
  const x = s.time >= 0 ? s.time : s.cats[0];
  const split = s.cats.find((i) => i !== x);
  const xs = [...new Set(rows.map((r) => String(r[x])))];
  if (s.time >= 0) xs.sort();
  // values (opt-in): several number columns of the same table drawn as one series each
  const picked = (values ?? []).map((n) => s.cols.findIndex((c) => c.name === n)).filter((i) => i >= 0);
  if (split == null && picked.length) {
    return { xs, series: picked.map((i) => ({ name: s.cols[i].label || s.cols[i].name, data: xs.map((v) => rows.find((r) => String(r[x]) === v)?.[i] ?? null) })) };
  }
  if (split == null) {
    return { xs, series: [{ name: s.cols[s.num].label, data: xs.map((v) => rows.find((r) => String(r[x]) === v)?.[s.num] ?? null) }] };
  }
  const groups = [...new Set(rows.map((r) => String(r[split])))].slice(0, 12);
  return {
    xs,
    series: groups.map((g) => ({ name: catLabel(s.cols[split].name, g), data: xs.map((v) => rows.find((r) => String(r[x]) === v && String(r[split]) === g)?.[s.num] ?? null) })),
  };
}

// monthly is true when the time axis counts months: a "mese" column, or first days of months
// that are not all in January (a monthly "periodo" of the dashboard).
function monthly(s, xs) {
  if (s.time < 0) return false;
  if (s.cols[s.time].name === 'mese') return true;
  return xs.length > 1 && xs.every((v) => /^\d{4}-\d{2}-01$/.test(v)) && xs.some((v) => !/-01-01$/.test(v));
}

// categoryLabels keeps every category named under its bar: ECharts hides labels that overlap,
// which left a phone's sector ranking with no label at all; each label is cut to its share of
// the width instead (the table below has them whole). Time axes keep ECharts' own spacing.
function categoryLabels(el, xs, s, kind) {
  const rotate = xs.length > 8 && kind === 'bar' ? 30 : 0;
  if (s.time >= 0) return { rotate };
  const plot = Math.max(200, (el.getBoundingClientRect().width || 600) - 90);
  const width = rotate ? 110 : Math.max(24, Math.floor(plot / Math.max(1, xs.length)) - 6);
  // too narrow for "G — Commercio": the section's letter alone
  const short = width < 90 && s.cols[s.cats[0]]?.name === 'sezione_ateco';
  return { rotate, interval: 0, width, overflow: 'truncate', hideOverlap: false, formatter: short ? (v) => String(v).split(' — ')[0] : undefined };
}

// Chart is one rendered chart.
export class Chart {
  constructor(el) {
    this.el = el;
    this.ec = null;
  }

  // draw renders table as kind ('line' | 'bar' | 'map') and resolves when drawn; opts.values
  // names number columns to draw as separate series (default: the first number column).
  async draw(table, kind, opts = {}) {
    const s = shape(table);
    if (kind === 'map') await quartieriMap();
    this.ec?.dispose();
    this.ec = echarts.init(this.el, null, { renderer: 'svg', locale: document.documentElement.lang === 'en' ? 'EN' : 'EN' });
    const valueFmt = (v) => fmtNumber(v);
    const base = {
      color: PALETTE,
      aria: { enabled: true, decal: { show: false } },
      animation: false,
      tooltip: { trigger: kind === 'map' ? 'item' : 'axis', valueFormatter: valueFmt },
    };
    if (kind === 'map') {
      // a hidden cell (null) has no value: Number(null) would count it as 0
      const vals = (table.rows ?? []).map((r) => ({ name: String(r[s.quartiere]), value: r[s.num] == null ? null : Number(r[s.num]) }));
      // only the areas drawn count ("non attribuito" is on no map)
      const drawn = new Set((mapInfo?.features ?? []).map((f) => f.properties?.name));
      const nums = vals.filter((v) => !drawn.size || drawn.has(v.name)).map((v) => v.value).filter((v) => v != null && Number.isFinite(v));
      // The colour scale spans the values drawn: from 0 it painted shares of 11-12 % all in
      // one dark blue. The names are dark on a white halo, readable on every shade.
      let [min, max] = nums.length ? [Math.min(...nums), Math.max(...nums)] : [0, 1];
      if (min === max) [min, max] = [Math.min(min, 0), Math.max(max, 1)];
      const label = { show: true, fontSize: 11, color: '#1a1a1a', textBorderColor: '#ffffff', textBorderWidth: 3 };
      this.ec.setOption({
        ...base,
        visualMap: { min, max, calculable: true, left: 'left', bottom: 10, inRange: { color: ['#e6f0fa', '#0066cc', '#003366'] }, formatter: valueFmt },
        series: [{ type: 'map', map: 'quartieri', name: s.cols[s.num].label, data: vals, label, emphasis: { label } }],
      });
      this.el.dataset.approx = mapInfo?.approssimato ? 'true' : 'false';
    } else {
      const { xs, series: ss } = series(table, s, opts.values);
      this.ec.setOption({
        ...base,
        legend: ss.length > 1 ? { type: 'scroll', top: 0 } : undefined,
        grid: { left: 60, right: 20, top: ss.length > 1 ? 40 : 20, bottom: 60, containLabel: true },
        // months and dates as the tables write them (gen 2026, 31/10/2026); rows match on xs
        xAxis: { type: 'category', data: xs.map((v) => (s.time >= 0 ? fmtPeriod(v, monthly(s, xs)) : catLabel(s.cols[s.cats[0]]?.name, v))), axisLabel: categoryLabels(this.el, xs, s, kind) },
        yAxis: { type: 'value', axisLabel: { formatter: valueFmt } },
        series: ss.map((x) => ({ ...x, type: kind, showSymbol: xs.length < 40, connectNulls: false })),
      });
    }
    this.kind = kind;
    this.el.dataset.kind = kind;
    this.el.dataset.rendered = 'true';
  }

  // svg is the chart as an SVG document, and its size.
  svg() {
    const { width, height } = this.el.getBoundingClientRect();
    return { text: this.ec.renderToSVGString(), width: Math.round(width), height: Math.round(height) };
  }

  resize() { this.ec?.resize(); }

  dispose() { this.ec?.dispose(); this.ec = null; }
}

// mapNote is the line under a map saying whether the shapes are official or approximate.
export function mapNote() {
  if (!mapInfo) return '';
  return mapInfo.approssimato ? t('map.approx') : t('map.official', mapInfo.fonte ?? '');
}
