// Exports of a result table (CSV here, XLSX from the server so that the file carries the SQL and
// sources too) and of a chart (SVG as rendered, PNG drawn from it).
import { download } from './dom.js';
import { api } from './api.js';

function slug(s) {
  return (s || 'tabella').normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60) || 'tabella';
}

function csvField(v) {
  if (v == null) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  // A text cell that a spreadsheet would read as a formula is quoted with a leading apostrophe
  // (CSV injection); numbers, negative ones included, are left as they are.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

// tableCSV is RFC 4180 CSV (comma, CRLF, dot decimals): the header is the column labels, the
// rows are the raw values of the table, unformatted.
export function tableCSV(table) {
  const lines = [(table.columns ?? []).map((c) => csvField(c.label || c.name)).join(',')];
  for (const r of table.rows ?? []) lines.push(r.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

// exportCSV downloads the table as CSV (UTF-8 with BOM, so that spreadsheets read accents).
export function exportCSV(table) {
  download(new Blob(['\ufeff' + tableCSV(table)], { type: 'text/csv;charset=utf-8' }), slug(table.title) + '.csv');
}

// exportXLSX asks the server for the workbook (a data sheet plus the SQL, sources and as-of).
export async function exportXLSX(table) {
  const resp = await api('/export/xlsx', { method: 'POST', body: table, raw: true });
  download(await resp.blob(), slug(table.title) + '.xlsx');
}

// exportSVG downloads the chart's SVG (the charts render as SVG).
export function exportSVG(svgText, title) {
  download(new Blob([svgText], { type: 'image/svg+xml' }), slug(title) + '.svg');
}

// exportPNG draws the chart's SVG on a canvas at twice its size and downloads it as PNG.
export async function exportPNG(svgText, width, height, title) {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  try {
    await new Promise((ok, fail) => { img.onload = ok; img.onerror = fail; img.src = url; });
    const canvas = document.createElement('canvas');
    canvas.width = width * 2;
    canvas.height = height * 2;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((ok) => canvas.toBlob(ok, 'image/png'));
    download(blob, slug(title) + '.png');
  } finally {
    URL.revokeObjectURL(url);
  }
}
