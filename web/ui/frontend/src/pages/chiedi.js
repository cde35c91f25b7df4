// Page "chiedi": the chat. A question streams its answer over SSE (POST /ask/stream) into a
// new turn; follow-ups keep the conversation id; the conversations list opens, starts and
// deletes conversations; suggested questions start one. The URL keeps the open conversation
// (?c=) so a reload or a link shows it again, and ?q= asks a question on arrival (the
// dashboard's "chiedi di più").
import { announce, markReady } from '../lib/boot.js';
import { api, stream, ApiError } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { Turn } from '../chat/turn.js';
import { History } from '../chat/history.js';
import { CitationDialog } from '../chat/citation.js';

const SUGGESTIONS = 8;
const $ = (sel) => document.querySelector(`[data-cz="${sel}"]`);

const state = { conversation: '', busy: false, abort: null, turns: [] };
let dialog;
let historyList = null;

function ui() {
  return {
    form: $('ask-form'), question: $('question'), send: $('send'), stop: $('stop'), mode: $('mode-select'),
    thread: $('thread'), suggestions: $('suggestions'), suggestionList: $('suggestion-list'),
    followup: $('followup-note'), formError: $('form-error'), historyList: $('history-list'), newConversation: $('new-conversation'),
  };
}

function openCitation(c, trigger) {
  dialog ??= new CitationDialog();
  dialog.open(c, trigger);
}

function setURL(id) {
  const u = new URL(location.href);
  u.searchParams.delete('q');
  if (id) u.searchParams.set('c', id); else u.searchParams.delete('c');
  window.history.replaceState(null, '', u);
}

function setConversation(el, id) {
  state.conversation = id ?? '';
  el.followup.hidden = !state.conversation;
  el.suggestions.hidden = !!state.conversation || state.turns.length > 0;
  setURL(state.conversation);
  historyList?.setCurrent(state.conversation);
}

function setBusy(el, busy) {
  state.busy = busy;
  el.send.disabled = busy;
  el.stop.hidden = !busy;
  el.form.setAttribute('aria-busy', String(busy));
  el.suggestionList.querySelectorAll('button').forEach((b) => { b.disabled = busy; });
}

// ask streams the answer to question into a new turn.
async function ask(el, question) {
  question = question.trim();
  el.formError.replaceChildren();
  if (!question) {
    el.formError.replaceChildren(h('p', { class: 'small text-danger mt-2 mb-0', role: 'alert', text: t('chiedi.form.empty') }));
    el.question.focus();
    return;
  }
  if (state.busy) return;
  const turn = new Turn(question, { openCitation });
  state.turns.push(turn);
  el.thread.append(turn.el);
  el.suggestions.hidden = true;
  turn.el.scrollIntoView({ block: 'start' });
  el.question.value = '';
  setBusy(el, true);
  const ctrl = new AbortController();
  state.abort = ctrl;
  const body = { question };
  if (state.conversation) body.conversation_id = state.conversation;
  if (el.mode.value) body.mode = el.mode.value;
  let finished = false;
  // The question is in the URL while it is asked: if the session has expired, the login page
  // comes back here with it (?q=) and asks it again, instead of losing what the user typed.
  const pending = new URL(location.href);
  pending.searchParams.set('q', question);
  window.history.replaceState(null, '', pending);
  try {
    await stream('/ask/stream', body, ({ event, data }) => {
      switch (event) {
        case 'start':
          if (data?.conversation_id && data.conversation_id !== state.conversation) setConversation(el, data.conversation_id);
          break;
        case 'step': turn.step(data); break;
        case 'delta': turn.delta(typeof data === 'string' ? data : String(data ?? '')); break;
        case 'table': turn.table(data); break;
        case 'citation': turn.citation(data); break;
        case 'notice': turn.notice(typeof data === 'string' ? data : ''); break;
        case 'reset': turn.reset(data?.reason); break;
        case 'done':
          finished = true;
          turn.done(data);
          if (data.conversation_id) setConversation(el, data.conversation_id);
          announce(t('chiedi.announce.done', (data.tables ?? []).length, (data.citations ?? []).length));
          break;
        case 'error': {
          finished = true;
          const e = data?.error ?? {};
          turn.error(new ApiError(0, e.code, e.message, e.request_id));
          announce(e.message ?? t('err.network'));
          break;
        }
        default:
      }
    }, { signal: ctrl.signal });
    if (!finished) turn.error(new Error(t('err.network')));
  } catch (err) {
    // the session expired: the page is on its way to the login, the question in its URL
    if (err?.status === 401) return;
    if (err?.name === 'AbortError') {
      turn.stopped();
      announce(t('chiedi.announce.stopped'));
    } else {
      turn.error(err);
      announce(err?.message ?? t('err.network'));
    }
  }
  const u = new URL(location.href);
  if (u.searchParams.get('q') === question) {
    u.searchParams.delete('q');
    window.history.replaceState(null, '', u);
  }
  state.abort = null;
  setBusy(el, false);
  historyList.load();
  el.question.focus();
}

// open shows a stored conversation, its questions and answers, and makes it the current one.
async function open(el, id) {
  if (state.busy) state.abort?.abort();
  el.formError.replaceChildren();
  try {
    const conv = await api('/conversations/' + encodeURIComponent(id));
    clear(el);
    let turn = null;
    for (const m of conv.messages ?? []) {
      if (m.role === 'user') {
        turn = new Turn(m.content, { openCitation });
        state.turns.push(turn);
        el.thread.append(turn.el);
      } else if (m.role === 'assistant' && turn) {
        turn.fromStored(m);
        turn = null;
      }
    }
    if (turn) turn.finish('done');
    setConversation(el, id);
    announce(t('chiedi.history.opened', state.turns.length));
    (state.turns[0]?.heading ?? el.question).focus();
  } catch (err) {
    el.formError.replaceChildren(h('div', { class: 'alert alert-danger mt-2 mb-0', role: 'alert', text: err.message }));
    if (err?.status === 404) setConversation(el, '');
  }
}

function clear(el) {
  for (const tn of state.turns) tn.el.remove();
  state.turns = [];
  el.thread.replaceChildren();
}

function startNew(el) {
  if (state.busy) state.abort?.abort();
  clear(el);
  setConversation(el, '');
  el.suggestions.hidden = false;
  announce(t('chiedi.history.started'));
  el.question.focus();
}

function suggestions(el) {
  const items = [];
  for (let i = 1; i <= SUGGESTIONS; i++) {
    const q = t('chiedi.suggest.' + i);
    const b = h('button', { type: 'button', class: 'chip chip-simple chip-lg cz-suggestion', 'data-cz': 'suggestion' }, h('span', { class: 'chip-label', text: q }));
    b.addEventListener('click', () => {
      el.question.value = q;
      ask(el, q);
    });
    items.push(h('li', {}, b));
  }
  el.suggestionList.replaceChildren(...items);
}

async function start() {
  const el = ui();
  if (!el.form) return;
  suggestions(el);
  historyList = new History(el.historyList, {
    onOpen: (id) => open(el, id),
    onDeleted: (id) => { if (id === state.conversation) startNew(el); },
    focusAfterDelete: () => el.newConversation.focus(),
  });
  el.form.addEventListener('submit', (e) => {
    e.preventDefault();
    ask(el, el.question.value);
  });
  // Enter sends, Shift+Enter is a new line (an input method composing text keeps its Enter).
  el.question.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      el.form.requestSubmit();
    }
  });
  el.stop.addEventListener('click', () => state.abort?.abort());
  el.newConversation.addEventListener('click', () => startNew(el));
  window.addEventListener('resize', () => state.turns.forEach((tn) => tn.resize()));

  const params = new URLSearchParams(location.search);
  const loading = historyList.load();
  const c = params.get('c');
  if (c) await open(el, c);
  setConversation(el, state.conversation);
  await loading;
  historyList.setCurrent(state.conversation);
  markReady();
  const q = params.get('q');
  if (q) {
    el.question.value = q;
    ask(el, q);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
