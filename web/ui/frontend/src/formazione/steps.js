// One answer's steps as a trainer sees them: kind, label, tool and arguments, SQL, rows,
// errors, and the detail (what the model saw or said; passages as data; the grounding check).
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

function pre(text, cls = 'cz-sql p-2 bg-light border') {
  return h('pre', { class: cls }, h('code', { text }));
}

function json(v) {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

function modelDetail(d) {
  const parts = [];
  if (d?.system) {
    parts.push(h('details', {}, h('summary', { text: t('formazione.step.system') }), pre(d.system)));
  }
  if (Array.isArray(d?.tools)) {
    parts.push(h('details', {}, h('summary', { text: t('formazione.step.tools') + ` (${d.tools.length})` }),
      h('ul', { class: 'small' }, d.tools.map((x) => h('li', {}, h('code', { text: x.name ?? x.function?.name ?? '' }), ' — ', x.description ?? x.function?.description ?? '')))));
  }
  return parts;
}

// renderStep is one step card.
export function renderStep(s, n, total) {
  const body = [];
  if (s.tool) body.push(h('p', { class: 'mb-1' }, h('strong', { text: t('formazione.step.tool') + ': ' }), h('code', { text: s.tool })));
  if (s.arguments) body.push(h('p', { class: 'mb-1 small fw-semibold', text: t('formazione.step.args') }), pre(json(s.arguments)));
  for (const q of s.sql ?? []) body.push(h('p', { class: 'mb-1 small fw-semibold', text: t('common.sql') }), pre(q));
  if (s.rows) body.push(h('p', { class: 'small mb-1', text: t('formazione.step.rows', s.rows) }));
  if (s.error) body.push(h('div', { class: 'alert alert-warning py-1 small', role: 'note' }, t('formazione.step.error') + ': ' + s.error));
  if (s.detail != null) {
    if (s.kind === 'model' && (s.detail.system || s.detail.tools)) {
      body.push(...modelDetail(s.detail));
    } else if (s.kind === 'grounding') {
      const g = s.detail;
      body.push(h('p', { class: 'small mb-1', text: t('formazione.grounding', g.checked ?? 0, g.grounded ?? 0) }));
      if ((g.ungrounded ?? []).length) body.push(h('p', { class: 'small mb-1 cz-ungrounded', text: t('formazione.grounding.bad', g.ungrounded.join(', ')) }));
    } else if (s.kind === 'tool_call' && s.tool === 'search_documents') {
      body.push(h('details', {}, h('summary', { text: t('formazione.step.data') }), pre(json(s.detail))));
    } else {
      body.push(h('details', {}, h('summary', { text: t('formazione.step.detail') }), pre(json(s.detail))));
    }
  }
  return h('article', { class: 'card card-bg mb-2', 'data-cz': 'step', 'data-kind': s.kind },
    h('div', { class: 'card-body p-3' },
      h('h4', { class: 'h6 card-title mb-2' }, h('span', { class: 'badge bg-primary me-2', text: t('formazione.step.of', n, total) }),
        s.label ?? s.kind, s.duration_ms != null ? h('span', { class: 'text-muted small ms-2', text: `${s.duration_ms} ms` }) : null),
      body));
}

// stepper shows steps one at a time with previous/next buttons, or all at once.
export function stepper(steps) {
  let i = 0;
  let all = false;
  const view = h('div', { 'aria-live': 'polite', 'data-cz': 'stepper-view' });
  const prev = h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary me-2', 'data-cz': 'step-prev', text: t('formazione.step.prev') });
  const next = h('button', { type: 'button', class: 'btn btn-sm btn-primary me-2', 'data-cz': 'step-next', text: t('formazione.step.next') });
  const showAll = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', 'data-cz': 'step-all', text: t('formazione.step.all') });
  const draw = () => {
    view.replaceChildren(...(all ? steps.map((s, k) => renderStep(s, k + 1, steps.length)) : steps.length ? [renderStep(steps[i], i + 1, steps.length)] : []));
    prev.disabled = all || i === 0;
    next.disabled = all || i >= steps.length - 1;
  };
  prev.addEventListener('click', () => { i = Math.max(0, i - 1); draw(); });
  next.addEventListener('click', () => { i = Math.min(steps.length - 1, i + 1); draw(); });
  showAll.addEventListener('click', () => { all = !all; draw(); });
  draw();
  return h('div', { class: 'cz-stepper' }, h('div', { class: 'mb-2' }, prev, next, showAll), view);
}
