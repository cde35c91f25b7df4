// Page "dati": Dati e documenti (staff, admin). How current each source is (GET /sources);
// upload a monthly file (POST /ingest/{kind}) and follow its load (GET /ingest/jobs/{id}) to
// the batch report and every rejected row (GET /batches/{id}/rejections, paged); past batches
// (GET /batches); the document library: list, search (GET /search), upload (POST /documents)
// and removal with confirmation (DELETE /documents/{id}).
import { announce, showError, markReady } from '../lib/boot.js';
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';

// put replaces el's children, leaving out the absent ones (replaceChildren would print "null").
const put = (el, ...children) => el.replaceChildren(...children.filter((c) => c != null && c !== false));
import { t, fmtNumber, fmtDate } from '../lib/i18n.js';

const root = document.getElementById('cz-dati');
const KINDS = ['imprese', 'cig', 'suap', 'contributi', 'stradario', 'territorio'];
// The levels of the territory whose boundaries a GeoJSON may give (territorio.ParseLevel).
const LEVELS = ['quartiere', 'zona', 'area_statistica'];
const PAGE = 50; // rejected rows per page
const fmtTime = (s) => (s ? new Date(s).toLocaleString(document.documentElement.lang === 'en' ? 'en-GB' : 'it-IT') : '—');
const kindName = (k) => t('dati.kind.' + k);

function table(caption, headers, rows, attrs = {}) {
  return h('div', { class: 'table-responsive' },
    h('table', { class: 'table table-sm table-striped align-middle', ...attrs },
      h('caption', { text: caption }),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', text: x })))),
      h('tbody', {}, rows)));
}

function sectionBox(id, title, ...children) {
  return h('section', { class: 'mb-5', 'aria-labelledby': id + '-h', 'data-cz': id },
    h('h2', { id: id + '-h', class: 'h3', text: title }), ...children);
}

// ---- sources ----
const sourcesBox = h('div', { 'data-cz': 'sources-table' }, h('p', { class: 'text-muted', text: t('common.loading') }));

async function loadSources() {
  try {
    const out = await api('/sources');
    put(sourcesBox, table(t('dati.sources.caption'),
      [t('dati.col.source'), t('dati.col.asof'), t('dati.col.batch'), t('dati.col.file'), t('dati.col.loadedat')],
      (out.sources ?? []).map((s) => h('tr', { 'data-kind': s.kind },
        h('th', { scope: 'row' }, kindName(s.kind), h('br'), h('small', { class: 'text-muted', text: s.source })),
        h('td', { 'data-cz': 'source-asof', text: s.as_of ? fmtDate(s.as_of) : t('dati.never') }),
        h('td', { text: s.batch_id ?? '—' }), h('td', { text: s.file || '—' }), h('td', { text: fmtTime(s.loaded_at) })))));
  } catch (err) {
    put(sourcesBox);
    showError(err, sourcesBox);
  }
}

// ---- rejected rows of a batch, paged ----
function rejectionsView(batchID, total) {
  const box = h('div', { class: 'cz-rejections mt-3', 'data-cz': 'rejections', 'data-batch': batchID });
  let offset = 0;
  const load = async (focus) => {
    let page;
    try {
      page = await api(`/batches/${batchID}/rejections?offset=${offset}&limit=${PAGE}`);
    } catch (err) {
      put(box);
      showError(err, box);
      return;
    }
    const heading = h('h4', { class: 'h6', tabindex: '-1', text: t('dati.rej.title', batchID, page.total) });
    const prev = h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary me-2', 'data-cz': 'rej-prev', disabled: offset === 0, text: t('dati.prev') });
    const next = h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary', 'data-cz': 'rej-next', disabled: offset + PAGE >= page.total, text: t('dati.next') });
    prev.addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load(true); });
    next.addEventListener('click', () => { offset += PAGE; load(true); });
    const from = page.total ? offset + 1 : 0;
    const to = Math.min(offset + PAGE, page.total);
    put(box, heading,
      page.total === 0 ? h('p', { text: t('dati.rej.none') }) : table(t('dati.rej.caption', from, to, page.total),
        [t('dati.col.line'), t('dati.col.column'), t('dati.col.value'), t('dati.col.reason')],
        page.rejections.map((r) => h('tr', {}, h('td', { class: 'text-end', text: r.line }), h('td', { text: r.column || '—' }),
          h('td', {}, h('code', { text: r.value })), h('td', { text: r.reason }))), { 'data-cz': 'rejections-table' }),
      page.total > PAGE ? h('nav', { 'aria-label': t('dati.rej.pages') }, prev, next,
        h('span', { class: 'ms-3 small', text: t('dati.rej.range', from, to, page.total) })) : null);
    if (focus) heading.focus();
  };
  if (total === 0) box.append(h('p', { text: t('dati.rej.none') }));
  else load(false);
  return box;
}

// ---- batch report ----
function reportView(sum, terr) {
  const items = [
    [t('dati.rep.batch'), sum.batch_id], [t('dati.rep.file'), sum.file], [t('dati.rep.asof'), sum.as_of ? fmtDate(sum.as_of) : '—'],
    [t('dati.rep.read'), fmtNumber(sum.read)], [t('dati.rep.loaded'), fmtNumber(sum.loaded)], [t('dati.rep.rejected'), fmtNumber(sum.rejected)],
    [t('dati.rep.unchanged'), sum.unchanged_file ? t('dati.rep.unchanged.yes', sum.same_as_batch) : t('common.no')],
    [t('dati.rep.match'), sum.match_rate == null ? t('dati.rep.match.na') : fmtNumber(sum.match_rate * 100, 1) + '%'],
    [t('dati.rep.duration'), fmtNumber(sum.duration_ms / 1000, 1) + ' s'], [t('dati.rep.encoding'), [sum.encoding, sum.separator].filter(Boolean).join(' · ')],
  ];
  if (terr) { // boundaries: what the shapes' load adds
    items.splice(3, 0, [t('dati.rep.level'), t('dati.level.' + terr.level)], [t('dati.rep.nameprop'), terr.name_property],
      [t('dati.rep.areas'), (terr.aree ?? []).join(', ') || '—'], [t('dati.rep.missing'), (terr.senza_forma ?? []).join(', ') || '—']);
  }
  const warnings = (sum.warnings ?? []).map((w) => h('li', { text: w }));
  return h('div', { class: 'card card-bg p-3 mt-3', 'data-cz': 'batch-report' },
    h('h3', { class: 'h5', tabindex: '-1', text: t('dati.rep.title') }),
    h('dl', { class: 'row mb-0' }, items.flatMap(([k, v]) => [h('dt', { class: 'col-sm-4', text: k }),
      h('dd', { class: 'col-sm-8', 'data-field': k, text: String(v ?? '') })])),
    warnings.length ? h('div', { class: 'alert alert-warning mt-2', role: 'note' }, h('p', { class: 'mb-1 fw-semibold', text: t('dati.rep.warnings') }), h('ul', { class: 'mb-0' }, warnings)) : null,
    rejectionsView(sum.batch_id, sum.rejected));
}

// ---- upload of a monthly file, followed to its report ----
function uploadForm() {
  const kind = h('select', { id: 'cz-up-kind', name: 'kind', required: true, 'data-cz': 'upload-kind' },
    KINDS.map((k) => h('option', { value: k, text: kindName(k) })));
  const file = h('input', { type: 'file', id: 'cz-up-file', name: 'file', class: 'form-control', accept: '.csv,.txt,text/csv', required: true,
    'aria-describedby': 'cz-up-file-help', 'data-cz': 'upload-file' });
  const asOf = h('input', { type: 'date', id: 'cz-up-asof', name: 'as_of', class: 'form-control', 'aria-describedby': 'cz-up-asof-help', 'data-cz': 'upload-asof' });
  const partial = h('input', { type: 'checkbox', id: 'cz-up-partial', name: 'allow_partial', value: '1' });
  const partialLabel = h('label', { for: 'cz-up-partial', text: t('dati.up.partial') });
  const partialBox = h('div', { class: 'form-check mt-2', 'data-cz': 'upload-partial' }, partial, partialLabel);
  // A snapshot (register or street register) far smaller than the previous one is refused
  // unless the user says it is meant (`--allow-partial`).
  const partialKinds = ['imprese', 'stradario'];
  // Boundaries (kind territorio): the level and, optionally, the property with the area's name.
  const level = h('select', { id: 'cz-up-level', name: 'level', 'data-cz': 'upload-level' },
    LEVELS.map((l) => h('option', { value: l, text: t('dati.level.' + l) })));
  const nameProp = h('input', { type: 'text', id: 'cz-up-nameprop', name: 'name_property', class: 'form-control', maxlength: '100',
    autocomplete: 'off', 'aria-describedby': 'cz-up-nameprop-help', 'data-cz': 'upload-nameprop' });
  const terrBox = h('div', { class: 'row g-3 mt-1', 'data-cz': 'upload-territorio' },
    h('div', { class: 'col-12 col-md-4' }, h('div', { class: 'select-wrapper' }, h('label', { for: 'cz-up-level', class: 'active', text: t('dati.up.level') }), level)),
    h('div', { class: 'col-12 col-md-8' }, h('div', { class: 'form-group mb-0' },
      h('label', { for: 'cz-up-nameprop', class: 'active', text: t('dati.up.nameprop') }), nameProp,
      h('small', { id: 'cz-up-nameprop-help', class: 'form-text', text: t('dati.up.nameprop.help') }))));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-cz': 'upload-submit', text: t('dati.up.submit') });
  const status = h('div', { class: 'mt-3', 'data-cz': 'upload-status', 'aria-live': 'polite' });
  const out = h('div', { 'data-cz': 'upload-result' });
  const fileLabel = h('label', { for: 'cz-up-file', class: 'active', text: t('dati.up.file') });
  const fileHelp = h('small', { id: 'cz-up-file-help', class: 'form-text', text: t('dati.up.file.help') });
  const asOfBox = h('div', { class: 'col-12 col-md-3' }, h('div', { class: 'form-group mb-0' },
    h('label', { for: 'cz-up-asof', class: 'active', text: t('dati.up.asof') }), asOf,
    h('small', { id: 'cz-up-asof-help', class: 'form-text', text: t('dati.up.asof.help') })));
  const syncPartial = () => {
    const terr = kind.value === 'territorio';
    partialBox.hidden = !partialKinds.includes(kind.value);
    partialLabel.textContent = t(kind.value === 'stradario' ? 'dati.up.partial.stradario' : 'dati.up.partial');
    terrBox.hidden = !terr;
    asOfBox.hidden = terr; // a boundaries batch is as of its load
    file.setAttribute('accept', terr ? '.geojson,.json,application/geo+json,application/json' : '.csv,.txt,text/csv');
    fileHelp.textContent = t(terr ? 'dati.up.file.help.territorio' : 'dati.up.file.help');
    fileLabel.textContent = t(terr ? 'dati.up.file.territorio' : 'dati.up.file');
  };
  kind.addEventListener('change', syncPartial);
  syncPartial();
  const form = h('form', { class: 'card card-bg p-3 pt-5', 'data-cz': 'upload-form', novalidate: true },
    h('div', { class: 'row g-3' },
      h('div', { class: 'col-12 col-md-4' }, h('div', { class: 'select-wrapper' }, h('label', { for: 'cz-up-kind', class: 'active', text: t('dati.up.kind') }), kind)),
      h('div', { class: 'col-12 col-md-5' }, h('div', { class: 'form-group mb-0' },
        fileLabel, file, fileHelp)),
      asOfBox),
    terrBox, partialBox, h('div', { class: 'mt-3' }, submit), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    put(out);
    if (!file.files.length) {
      file.setAttribute('aria-invalid', 'true');
      put(status, h('div', { class: 'alert alert-danger', role: 'alert', text: t('dati.up.nofile') }));
      file.focus();
      return;
    }
    file.removeAttribute('aria-invalid');
    const fd = new FormData();
    fd.append('file', file.files[0]);
    if (kind.value === 'territorio') {
      fd.append('level', level.value);
      if (nameProp.value.trim()) fd.append('name_property', nameProp.value.trim());
    } else if (asOf.value) fd.append('as_of', asOf.value);
    if (partialKinds.includes(kind.value) && partial.checked) fd.append('allow_partial', '1');
    submit.disabled = true;
    put(status, h('p', { text: t('dati.up.sending', file.files[0].name) }));
    try {
      const job = await api('/ingest/' + kind.value, { method: 'POST', body: fd });
      await follow(job, status, out);
      file.value = '';
      loadSources();
      batches.reload();
    } catch (err) {
      put(status);
      showError(err, status);
      announce(err.message);
    } finally {
      submit.disabled = false;
    }
  });
  return h('div', {}, form, out);
}

// follow polls a load job, showing its phase and progress, then its report.
async function follow(job, status, out) {
  const bar = h('div', { class: 'progress-bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0',
    'aria-label': t('dati.job.progress') });
  const text = h('p', { class: 'mb-1', 'data-cz': 'job-state' });
  put(status, text, h('div', { class: 'progress' }, bar));
  let last = '';
  for (;;) {
    const pct = Math.round(job.percent ?? 0);
    bar.style.width = pct + '%';
    bar.setAttribute('aria-valuenow', String(pct));
    // A small file is read before the loader's first progress line: then only "loading".
    const st = job.state === 'reading' && !job.rows ? 'working' : job.state;
    const line = t('dati.job.state.' + st, job.file, fmtNumber(job.rows ?? 0), fmtNumber(Math.round(job.rows_per_s ?? 0)), pct);
    text.textContent = line;
    if (job.state !== last) { announce(line); last = job.state; }
    if (job.state === 'done' || job.state === 'failed') break;
    await new Promise((r) => setTimeout(r, 500));
    job = await api('/ingest/jobs/' + encodeURIComponent(job.id));
  }
  if (job.state === 'failed') {
    put(status, h('div', { class: 'alert alert-danger', role: 'alert', 'data-cz': 'job-error', text: t('dati.job.failed', job.file, job.error?.message ?? '') }));
    return;
  }
  const sum = job.summary;
  text.textContent = sum.unchanged_file ? t('dati.job.unchanged', job.file, sum.same_as_batch)
    : t('dati.job.summary', job.file, fmtNumber(sum.read), fmtNumber(sum.loaded), fmtNumber(sum.rejected), fmtNumber(Math.round(job.rows_per_s ?? 0)));
  announce(text.textContent);
  put(out, reportView(sum, job.territory));
  out.querySelector('h3')?.focus();
}

// ---- past batches ----
const batches = (() => {
  const box = h('div', { 'data-cz': 'batches' });
  const detail = h('div', { 'data-cz': 'batch-detail' });
  let offset = 0;
  const limit = 20;
  const reload = async () => {
    let out;
    try {
      out = await api(`/batches?limit=${limit}&offset=${offset}`);
    } catch (err) {
      put(box);
      showError(err, box);
      return;
    }
    const rows = (out.batches ?? []).map((b) => {
      const show = h('button', { type: 'button', class: 'btn btn-xs btn-outline-primary', 'data-cz': 'batch-rejections', 'data-batch': b.id,
        text: t('dati.batch.rejections'), 'aria-label': t('dati.batch.rejections.aria', b.id) });
      show.addEventListener('click', () => {
        put(detail, h('h3', { class: 'h5', text: t('dati.batch.detail', b.id, b.file) }), rejectionsView(b.id, b.rejected));
        detail.querySelector('h3').setAttribute('tabindex', '-1');
        detail.querySelector('h3').focus();
      });
      const timings = b.timings ? Object.entries(b.timings).map(([k, v]) => `${k} ${v} ms`).join(', ') : '';
      return h('tr', {},
        h('th', { scope: 'row', text: b.id }), h('td', { text: kindName(b.kind) }), h('td', { text: b.file }), h('td', { text: b.as_of ? fmtDate(b.as_of) : '—' }),
        h('td', { text: t('dati.status.' + b.status) }), h('td', { class: 'text-end', text: fmtNumber(b.read) }),
        h('td', { class: 'text-end', text: fmtNumber(b.loaded) }), h('td', { class: 'text-end', text: fmtNumber(b.rejected) }),
        h('td', { text: b.match_rate == null ? '—' : fmtNumber(b.match_rate * 100, 1) + '%' }),
        h('td', { text: b.started_by || '—' }), h('td', { text: fmtTime(b.started_at) }),
        h('td', { title: timings, text: b.duration_ms == null ? '—' : fmtNumber(b.duration_ms / 1000, 1) + ' s' }),
        h('td', {}, b.rejected > 0 ? show : null));
    });
    const prev = h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary me-2', disabled: offset === 0, text: t('dati.prev') });
    const next = h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary', disabled: rows.length < limit, text: t('dati.next') });
    prev.addEventListener('click', () => { offset = Math.max(0, offset - limit); reload(); });
    next.addEventListener('click', () => { offset += limit; reload(); });
    put(box, rows.length ? table(t('dati.batches.caption'),
      [t('dati.col.batch'), t('dati.col.kind'), t('dati.col.file'), t('dati.col.asof'), t('dati.col.status'), t('dati.col.read'),
        t('dati.col.loaded'), t('dati.col.rejected'), t('dati.col.match'), t('dati.col.by'), t('dati.col.started'), t('dati.col.duration'),
        t('dati.col.actions')], rows, { 'data-cz': 'batches-table' }) : h('p', { text: t('dati.batches.none') }),
    h('nav', { 'aria-label': t('dati.batches.pages') }, prev, next));
  };
  return { el: h('div', {}, box, detail), reload };
})();

// ---- documents ----
const docs = (() => {
  const listBox = h('div', { 'data-cz': 'documents' });
  const searchOut = h('div', { 'data-cz': 'doc-search-results', 'aria-live': 'polite' });
  const reload = async () => {
    let out;
    try {
      out = await api('/documents?limit=500');
    } catch (err) {
      put(listBox);
      showError(err, listBox);
      return;
    }
    const rows = (out.documents ?? []).map((d) => {
      const cell = h('td', {});
      const remove = h('button', { type: 'button', class: 'btn btn-xs btn-outline-danger', 'data-cz': 'doc-remove', 'data-doc': d.id,
        text: t('dati.doc.remove'), 'aria-label': t('dati.doc.remove.aria', d.title) });
      remove.addEventListener('click', () => confirmRemove(d, cell, remove));
      cell.append(remove);
      return h('tr', { 'data-doc': d.id },
        h('th', { scope: 'row' }, d.title, h('br'), h('small', { class: 'text-muted', text: d.path })),
        h('td', { text: d.doc_type || '—' }), h('td', { text: d.date ? fmtDate(d.date) : '—' }), h('td', { text: d.format }),
        h('td', { class: 'text-end', text: fmtNumber(d.chunks) }), h('td', { text: fmtTime(d.loaded_at) }), cell);
    });
    put(listBox, rows.length ? table(t('dati.doc.caption', out.total),
      [t('dati.col.title'), t('dati.col.type'), t('dati.col.date'), t('dati.col.format'), t('dati.col.chunks'), t('dati.col.loadedat'), t('dati.col.actions')],
      rows, { 'data-cz': 'documents-table' }) : h('p', { text: t('dati.doc.none') }));
  };
  // confirmRemove asks in place (keyboard and screen-reader friendly, no pop-up).
  const confirmRemove = (d, cell, remove) => {
    const yes = h('button', { type: 'button', class: 'btn btn-xs btn-danger me-1', 'data-cz': 'doc-remove-confirm', text: t('dati.doc.remove.yes') });
    const no = h('button', { type: 'button', class: 'btn btn-xs btn-outline-secondary', text: t('dati.doc.remove.no') });
    const ask = h('div', { role: 'group', 'aria-label': t('dati.doc.remove.ask', d.title) },
      h('p', { class: 'small mb-1', text: t('dati.doc.remove.ask', d.title) }), yes, no);
    put(cell, ask);
    yes.focus();
    no.addEventListener('click', () => { put(cell, remove); remove.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await api('/documents/' + d.id, { method: 'DELETE' });
        announce(t('dati.doc.removed', d.title));
        await reload();
        loadSources();
        batches.reload();
        listBox.querySelector('caption')?.setAttribute('tabindex', '-1');
        document.getElementById('cz-doc-list-h')?.focus();
      } catch (err) {
        yes.disabled = false;
        showError(err, cell);
      }
    });
  };
  const upload = (() => {
    const file = h('input', { type: 'file', id: 'cz-doc-file', class: 'form-control', accept: '.md,.markdown,.txt,.text,.html,.htm,.pdf', required: true,
      'aria-describedby': 'cz-doc-file-help', 'data-cz': 'doc-file' });
    const meta = h('input', { type: 'file', id: 'cz-doc-meta', class: 'form-control', accept: '.json,application/json', 'aria-describedby': 'cz-doc-meta-help', 'data-cz': 'doc-meta' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-cz': 'doc-submit', text: t('dati.doc.submit') });
    const status = h('div', { class: 'mt-3', 'aria-live': 'polite', 'data-cz': 'doc-status' });
    const form = h('form', { class: 'card card-bg p-3 mb-4', 'data-cz': 'doc-form', novalidate: true, 'aria-labelledby': 'cz-doc-up-h' },
      h('h3', { id: 'cz-doc-up-h', class: 'h5 mb-4', text: t('dati.doc.upload') }),
      h('div', { class: 'row g-3' },
        h('div', { class: 'col-12 col-md-6' }, h('div', { class: 'form-group mb-0' }, h('label', { for: 'cz-doc-file', class: 'active', text: t('dati.doc.file') }), file,
          h('small', { id: 'cz-doc-file-help', class: 'form-text', text: t('dati.doc.file.help') }))),
        h('div', { class: 'col-12 col-md-6' }, h('div', { class: 'form-group mb-0' }, h('label', { for: 'cz-doc-meta', class: 'active', text: t('dati.doc.meta') }), meta,
          h('small', { id: 'cz-doc-meta-help', class: 'form-text', text: t('dati.doc.meta.help') })))),
      h('div', { class: 'mt-3' }, submit), status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!file.files.length) {
        put(status, h('div', { class: 'alert alert-danger', role: 'alert', text: t('dati.doc.nofile') }));
        file.focus();
        return;
      }
      const fd = new FormData();
      fd.append('file', file.files[0]);
      if (meta.files.length) fd.append('meta', meta.files[0]);
      submit.disabled = true;
      put(status, h('p', { text: t('dati.doc.sending', file.files[0].name) }));
      try {
        const out = await api('/documents', { method: 'POST', body: fd });
        const msg = t('dati.doc.status.' + out.status, out.document?.title ?? file.files[0].name, out.document?.chunks ?? 0);
        put(status, h('div', { class: 'alert alert-success', role: 'status', 'data-cz': 'doc-result', text: msg }));
        announce(msg);
        file.value = '';
        meta.value = '';
        reload();
        loadSources();
        batches.reload();
      } catch (err) {
        put(status);
        showError(err, status);
        announce(err.message);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  })();
  const search = (() => {
    const q = h('input', { type: 'search', id: 'cz-doc-q', class: 'form-control', maxlength: '500', 'data-cz': 'doc-query' });
    const form = h('form', { class: 'mb-3', role: 'search', 'aria-label': t('dati.doc.search') },
      h('div', { class: 'row g-2 align-items-end' },
        h('div', { class: 'col-12 col-md-8' }, h('div', { class: 'form-group mb-0' }, h('label', { for: 'cz-doc-q', class: 'active', text: t('dati.doc.search.label') }), q)),
        h('div', { class: 'col-12 col-md-4' }, h('button', { type: 'submit', class: 'btn btn-outline-primary', 'data-cz': 'doc-search', text: t('common.search') }))));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = q.value.trim();
      if (!text) { put(searchOut); return; }
      try {
        const out = await api('/search?limit=10&q=' + encodeURIComponent(text));
        const items = (out.citations ?? []).map((c) => h('li', { class: 'mb-2' },
          h('strong', { text: c.title }), c.section ? ' — ' + c.section : '', c.page ? ' ' + t('dati.doc.page', c.page) : '',
          h('br'), h('span', { class: 'small', text: c.quote })));
        put(searchOut, h('p', { class: 'fw-semibold', text: t('dati.doc.search.n', items.length, text) }), items.length ? h('ol', {}, items) : null);
        announce(t('dati.doc.search.n', items.length, text));
      } catch (err) {
        put(searchOut);
        showError(err, searchOut);
      }
    });
    return form;
  })();
  return { el: h('div', {}, upload, h('h3', { id: 'cz-doc-search-h', class: 'h5', text: t('dati.doc.search') }), search, searchOut,
    h('h3', { id: 'cz-doc-list-h', class: 'h5 mt-4', tabindex: '-1', text: t('dati.doc.list') }), listBox), reload };
})();

put(root, 
  sectionBox('dati-sources', t('dati.sources'), h('p', { text: t('dati.sources.help') }), sourcesBox),
  sectionBox('dati-upload', t('dati.upload'), h('p', { text: t('dati.upload.help') }), uploadForm()),
  sectionBox('dati-batches', t('dati.batches'), batches.el),
  sectionBox('dati-documents', t('dati.documents'), docs.el));
Promise.all([loadSources(), batches.reload(), docs.reload()]).finally(markReady);
