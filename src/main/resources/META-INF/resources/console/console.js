// ledgerbridge operator console: a page over the admin API (/admin/*), signed in with the same credentials and roles
// (HTTP Basic users on the embedded profile, an OIDC access token in the cluster). Nothing here holds state the API
// does not: every view reads the API, every action is one API call, and its problem+json answer is shown as it is.

const SESSION_KEY = 'ledgerbridge.console';
const app = document.getElementById('app');
const notice = document.getElementById('notice');
const STATUSES = ['OPEN', 'REPLAYING', 'REPLAYED', 'RESOLVED', 'DISCARDED'];
const ERROR_CLASSES = ['VALIDATION', 'REFERENCE', 'TARGET_REJECTED', 'TARGET_UNAVAILABLE', 'RATE_LIMITED', 'RATE',
  'FX', 'PERIOD_CLOSED', 'INTERNAL'];
const FINDING_TYPES = ['MISSING_IN_TARGET', 'AMOUNT_DIFFERS', 'DUPLICATED_IN_TARGET', 'ORPHAN_IN_TARGET', 'STALE',
  'REVENUE_UNACCOUNTED', 'CHANGED_AFTER_CLOSE'];
// raised by billing, not by a reconciliation run: shown on the billing exceptions tab
const BILLING_FINDING_TYPES = ['CAP_EXCEEDED'];

let session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
let lastDeadLetterList = '#/dead-letters';
let renderToken = 0;
let noticeSurvivesNavigation = false;

// ------------------------------------------------------------------------------------------------ DOM and API helpers

/** Builds an element: h('td', {class: 'num'}, 'text', child, ...). Text is always text, never parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function badge(text) {
  return h('span', { class: `badge ${text}` }, text);
}

function when(instant) {
  return instant ? new Date(instant).toLocaleString() : '—';
}

/** Shows the outcome of an action until the next navigation (or one navigation later, when the action navigates). */
function showNotice(text, good = false, keepOnNavigation = false) {
  noticeSurvivesNavigation = keepOnNavigation;
  notice.textContent = text;
  notice.className = good ? 'good' : 'bad';
  notice.hidden = false;
}

function clearNotice() {
  notice.hidden = true;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(describeProblem(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function describeProblem(status, problem) {
  if (problem && typeof problem === 'object' && problem.title) {
    const violations = (problem.violations || []).map(v => `${v.field}: ${v.message}`).join('; ');
    return `${problem.title}${problem.detail ? ': ' + problem.detail : ''}${violations ? ' (' + violations + ')' : ''}`;
  }
  if (status === 401) return 'Not signed in, or the credentials are no longer accepted.';
  if (status === 403) return 'Your roles do not allow this.';
  if (status === 0) return 'The service did not answer: is it running?';
  return `The service answered HTTP ${status}.`;
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json', 'X-Requested-With': 'ledgerbridge-console' };
  if (session) headers.Authorization = session.authorization;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'omit', cache: 'no-store' });
  } catch (unreachable) {
    throw new ApiError(0, null);
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (notJson) {
    data = text;
  }
  if (response.status === 401 && session && path !== '/admin/me') {
    signOut('The service no longer accepts your sign-in: sign in again.');
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function canOperate() {
  return session && session.roles.some(r => r === 'operator' || r === 'approver');
}

function canApprove() {
  return session && session.roles.includes('approver');
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

function formValues(form) {
  return Object.fromEntries([...new FormData(form).entries()].map(([k, v]) => [k, String(v).trim()]));
}

function monthOf(date) {
  return date.toISOString().slice(0, 7);
}

function previousMonth() {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return monthOf(d);
}

// ------------------------------------------------------------------------------------------------ sign-in

function base64Utf8(text) {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function signOut(message) {
  session = null;
  teamsCache = null;
  sessionStorage.removeItem(SESSION_KEY);
  if (message) showNotice(message, false, true);
  location.hash = '#/login';
  render();
}

function loginView() {
  loginView.wanted = location.hash;
  document.getElementById('tabs').hidden = true;
  document.getElementById('who').replaceChildren();
  const error = h('p', { class: 'error', id: 'login-error', role: 'alert' });
  const form = h('form', { class: 'card login', id: 'login', onsubmit: async event => {
    event.preventDefault();
    error.textContent = '';
    const { username, password, token } = formValues(form);
    if (!token && (!username || !password)) {
      error.textContent = 'Enter a user name and password, or an access token.';
      return;
    }
    const authorization = token ? `Bearer ${token}` : `Basic ${base64Utf8(`${username}:${password}`)}`;
    session = { authorization, name: null, roles: [] };
    try {
      const me = await api('GET', '/admin/me');
      if (me.roles.length === 0) {
        session = null;
        error.textContent = `Signed in as ${me.name}, but without any console role (viewer, operator or approver).`;
        return;
      }
      session = { authorization, name: me.name, roles: me.roles };
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
      clearNotice();
      const wanted = loginView.wanted && !loginView.wanted.startsWith('#/login') ? loginView.wanted : '#/dead-letters';
      if (location.hash === wanted) render(); else location.hash = wanted;
    } catch (failed) {
      session = null;
      error.textContent = failed.status === 401
        ? 'Sign-in failed: the user name and password (or the token) were not accepted.'
        : failed.message;
    }
  } },
  h('h2', {}, 'Sign in'),
  h('p', { class: 'muted' }, 'The same users and roles as the admin API: viewers read, operators replay and resolve.'),
  h('label', {}, 'User name', h('input', { name: 'username', id: 'username', autocomplete: 'username' })),
  h('label', {}, 'Password', h('input', { name: 'password', id: 'password', type: 'password',
    autocomplete: 'current-password' })),
  h('details', {}, h('summary', { class: 'muted' }, 'Sign in with an access token instead (OIDC, cluster)'),
    h('label', {}, 'Access token', h('textarea', { name: 'token', id: 'token', rows: 3 }))),
  error,
  h('button', { type: 'submit', id: 'sign-in' }, 'Sign in'));
  app.replaceChildren(form);
  document.getElementById('username').focus();
}

function header(active) {
  const tabs = document.getElementById('tabs');
  tabs.hidden = false;
  for (const a of tabs.querySelectorAll('a')) a.classList.toggle('active', a.dataset.tab === active);
  document.getElementById('who').replaceChildren(
    `Signed in as ${session.name} (${session.roles.join(', ')})`,
    h('button', { class: 'secondary', id: 'sign-out', onclick: () => signOut() }, 'Sign out'));
}

// ------------------------------------------------------------------------------------------------ dead letters

async function deadLettersView(params) {
  header('dead-letters');
  lastDeadLetterList = location.hash || '#/dead-letters';
  const filter = { status: params.get('status') ?? 'OPEN', flow: params.get('flow') || '',
    errorClass: params.get('errorClass') || '', key: params.get('key') || '', from: params.get('from') || '',
    to: params.get('to') || '', assignee: params.get('assignee') || '', team: params.get('team') || '',
    overdue: params.get('overdue') === 'true' ? 'true' : '' };
  const known = await teams();
  const page = Number(params.get('page') || 0);
  const form = h('form', { class: 'card filters', id: 'dead-letter-filters', onsubmit: event => {
    event.preventDefault();
    const v = formValues(form);
    location.hash = '#/dead-letters' + query({ status: v.status, flow: v.flow, errorClass: v.errorClass, key: v.key,
      from: v.from ? new Date(v.from).toISOString() : '', to: v.to ? new Date(v.to).toISOString() : '',
      assignee: v.assignee, team: v.team, overdue: v.overdue ? 'true' : '' });
  } },
  h('label', {}, 'Owner', h('select', { name: 'assignee' },
    [['', 'anyone'], ['me', 'mine'], ['none', 'unassigned']].map(([value, label]) =>
      h('option', { value, selected: value === filter.assignee }, label)))),
  h('label', {}, 'Team', h('select', { name: 'team' }, h('option', { value: '' }, 'any'),
    known.teams.map(t => h('option', { value: t.id, selected: t.id === filter.team }, t.name)))),
  h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'overdue', value: 'true',
    checked: filter.overdue === 'true' }), 'Overdue only'),
  h('label', {}, 'Status', h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
    STATUSES.map(s => h('option', { value: s, selected: s === filter.status }, s)))),
  h('label', {}, 'Flow', h('input', { name: 'flow', value: filter.flow, list: 'flows', placeholder: 'any flow' })),
  h('datalist', { id: 'flows' }),
  h('label', {}, 'Error class', h('select', { name: 'errorClass' }, h('option', { value: '' }, 'any'),
    ERROR_CLASSES.map(c => h('option', { value: c, selected: c === filter.errorClass }, c)))),
  h('label', {}, 'Business key', h('input', { name: 'key', value: filter.key, placeholder: 'harvest:time-entry:…' })),
  h('label', {}, 'Failed from', h('input', { name: 'from', type: 'datetime-local',
    value: filter.from ? localInput(filter.from) : '' })),
  h('label', {}, 'to', h('input', { name: 'to', type: 'datetime-local', value: filter.to ? localInput(filter.to) : '' })),
  h('button', { type: 'submit' }, 'Filter'));
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading dead letters…'));
  app.replaceChildren(h('h2', {}, 'Dead letters'), form, list);

  const found = await api('GET', '/admin/dead-letters' + query({ ...filter, page, size: 50 }));
  const flows = new Set(found.items.map(i => i.flow));
  document.getElementById('flows').replaceChildren(...[...flows].map(f => h('option', { value: f })));
  if (found.items.length === 0) {
    list.replaceChildren(h('div', { class: 'empty', id: 'dead-letters-empty' },
      filter.status === 'OPEN' && !filter.flow && !filter.errorClass && !filter.key && !filter.assignee
        && !filter.team && !filter.overdue
        ? 'No open dead letters: every message reached its target.'
        : 'No dead letters match these filters.'));
    return;
  }
  const rows = found.items.map(d => h('tr', { class: 'clickable', 'data-id': d.id,
    onclick: () => { location.hash = `#/dead-letters/${d.id}`; } },
  h('td', { class: 'num' }, d.id), h('td', {}, d.flow), h('td', {}, d.step || '—'), h('td', {}, d.businessKey || '—'),
  h('td', {}, badge(d.errorClass)), h('td', {}, truncate(d.errorMessage, 120)), h('td', { class: 'num' }, d.attempts),
  h('td', {}, badge(d.status)), h('td', {}, when(d.createdAt)), h('td', {}, teamName(known, d.team)),
  h('td', {}, d.assignee || '—'), h('td', {}, due(d))));
  const pages = Math.max(1, Math.ceil(found.total / found.size));
  list.replaceChildren(
    h('table', { id: 'dead-letters' }, h('thead', {}, h('tr', {}, ['#', 'Flow', 'Step', 'Business key', 'Class',
      'Error', 'Attempts', 'Status', 'Failed at', 'Team', 'Assignee', 'Due'].map(t => h('th', {}, t)))),
    h('tbody', {}, rows)),
    h('div', { class: 'pager' },
      h('button', { class: 'secondary', disabled: page === 0,
        onclick: () => { location.hash = '#/dead-letters' + query({ ...filter, page: page - 1 }); } }, 'Previous'),
      h('span', { class: 'muted' }, `Page ${page + 1} of ${pages} · ${found.total} dead letters`),
      h('button', { class: 'secondary', disabled: page + 1 >= pages,
        onclick: () => { location.hash = '#/dead-letters' + query({ ...filter, page: page + 1 }); } }, 'Next')));
}

let teamsCache = null;

/** The teams, their members and the caller's teams (GET /admin/teams), read once per sign-in. */
async function teams() {
  if (!teamsCache) teamsCache = await api('GET', '/admin/teams');
  return teamsCache;
}

function teamName(known, id) {
  const team = known.teams.find(t => t.id === id);
  return team ? team.name : (id || '—');
}

/** The due time, marked when it has passed on an open one. */
function due(item) {
  if (!item.dueAt) return '—';
  return item.overdue ? h('span', { class: 'overdue' }, badge('OVERDUE'), ' ', when(item.dueAt)) : when(item.dueAt);
}

function localInput(iso) {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

function truncate(text, length) {
  return text && text.length > length ? text.slice(0, length) + '…' : (text || '');
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (notJson) {
    return text || '';
  }
}

async function deadLetterView(id) {
  header('dead-letters');
  app.replaceChildren(h('p', { class: 'muted' }, 'Loading dead letter…'));
  const d = await api('GET', `/admin/dead-letters/${id}`);
  const known = await teams();
  const open = d.status === 'OPEN';
  const editable = open && canOperate();
  const original = pretty(d.editedPayload || d.payload);
  const payload = h('textarea', { class: 'payload', id: 'payload', readonly: !editable, spellcheck: 'false' });
  payload.value = original;
  const replayEdited = h('button', { class: 'secondary', id: 'replay-edited', disabled: true }, 'Replay edited payload');
  payload.addEventListener('input', () => { replayEdited.disabled = payload.value === original; });
  const reason = h('input', { id: 'reason', placeholder: 'Reason (required to resolve or discard)', maxlength: 1000 });

  const act = async (button, call, success) => {
    button.disabled = true;
    try {
      const result = await call();
      showNotice(success(result), true);
      await deadLetterView(id);
    } catch (failed) {
      showNotice(failed.message);
      button.disabled = false;
    }
  };
  const replay = h('button', { id: 'replay' }, 'Replay');
  replay.addEventListener('click', () => act(replay, () => api('POST', `/admin/dead-letters/${id}/replay`),
    r => `Dead letter #${id} replayed: ${r.outcome}${r.detail ? ' (' + r.detail + ')' : ''}.`));
  replayEdited.addEventListener('click', () => {
    try {
      JSON.parse(payload.value);
    } catch (bad) {
      showNotice(`The edited payload is not valid JSON: ${bad.message}`);
      return;
    }
    act(replayEdited, () => api('POST', `/admin/dead-letters/${id}/replay`, payload.value),
      r => `Dead letter #${id} replayed with the edited payload: ${r.outcome}${r.detail ? ' (' + r.detail + ')' : ''}.`);
  });
  const close = (status, label) => {
    const button = h('button', { class: 'danger', id: status }, label);
    button.addEventListener('click', () => {
      if (!reason.value.trim()) {
        showNotice(`Give a reason to ${status} dead letter #${id}.`);
        reason.focus();
        return;
      }
      act(button, () => api('POST', `/admin/dead-letters/${id}/${status}`, { reason: reason.value.trim() }),
        r => `Dead letter #${id} is now ${r.status}.`);
    });
    return button;
  };

  const ownerActions = editable ? ownerForm(known, d, `/admin/dead-letters/${id}`, act) : null;
  const actions = editable
    ? h('div', { class: 'actions' }, replay, replayEdited, reason, close('resolve', 'Resolve'), close('discard', 'Discard'))
    : h('p', { class: 'muted', id: 'no-actions' }, open
      ? 'Your roles let you read this dead letter; an operator replays or resolves it.'
      : `This dead letter is ${d.status}${d.resolution ? ': ' + d.resolution : ''}. Nothing is left to do.`);

  app.replaceChildren(
    h('p', {}, h('a', { href: lastDeadLetterList }, '← Dead letters')),
    h('h2', {}, `Dead letter #${d.id} `, badge(d.status)),
    h('div', { class: 'split' },
      h('div', { class: 'card' }, h('dl', { class: 'facts', id: 'dead-letter-facts' },
        fact('Flow', d.flow), fact('Step', d.step), fact('Business key', d.businessKey),
        fact('Source', [d.sourceSystem, d.sourceId, d.sourceVersion].filter(Boolean).join(' · ')),
        fact('Error class', badge(d.errorClass)), fact('Attempts', d.attempts),
        fact('Correlation id', d.correlationId), fact('Failed at', when(d.createdAt)),
        fact('Updated at', when(d.updatedAt)), d.resolution ? fact('Resolution', d.resolution) : null,
        fact('Team', teamName(known, d.team)), fact('Assignee', d.assignee || 'nobody yet'), fact('Due', due(d)),
        d.entity ? fact('Legal entity', d.entity) : null,
        d.escalatedAt ? fact('Escalated at', when(d.escalatedAt)) : null),
      ownerActions,
      h('h3', {}, 'Error'), h('pre', { class: 'json error', id: 'error-message' }, d.errorMessage || '')),
      h('div', { class: 'card' }, h('h3', {}, d.editedPayload ? 'Payload (last edit)' : 'Payload'), payload, actions)),
    h('div', { class: 'card' }, h('h3', {}, 'Replays'), d.replays.length === 0
      ? h('p', { class: 'muted' }, 'Not replayed yet.')
      : h('table', { id: 'replays' }, h('thead', {}, h('tr', {}, ['#', 'By', 'At', 'Edited', 'Outcome', 'Detail']
        .map(t => h('th', {}, t)))), h('tbody', {}, d.replays.map(r => h('tr', {}, h('td', {}, r.id),
        h('td', {}, r.requestedBy), h('td', {}, when(r.requestedAt)), h('td', {}, r.edited ? 'yes' : 'no'),
        h('td', {}, r.outcome ? badge(r.outcome) : '…'), h('td', {}, r.detail || '')))))),
    h('div', { class: 'card' }, h('h3', {}, 'Headers kept with it'),
      h('pre', { class: 'json' }, JSON.stringify(d.headers, null, 2))));
}

/** Take it, or hand it to a team and one of its members: POST {path}/take, {path}/assign. */
function ownerForm(known, item, path, act) {
  const take = h('button', { class: 'secondary', id: 'take', disabled: item.assignee === session.name }, 'Take it');
  take.addEventListener('click', () => act(take, () => api('POST', `${path}/take`),
    o => `Taken: it is yours now (team ${teamName(known, o.team)}).`));
  const team = h('select', { id: 'assign-team' }, known.teams.map(t =>
    h('option', { value: t.id, selected: t.id === item.team }, t.name)));
  const member = h('select', { id: 'assign-member' });
  const members = () => {
    const chosen = known.teams.find(t => t.id === team.value);
    member.replaceChildren(h('option', { value: '' }, 'the whole team'),
      ...(chosen ? chosen.members : []).map(m => h('option', { value: m, selected: m === item.assignee }, m)));
  };
  team.addEventListener('change', members);
  members();
  const note = h('input', { id: 'assign-note', placeholder: 'Note (optional)', maxlength: 1000 });
  const assign = h('button', { class: 'secondary', id: 'assign' }, 'Assign');
  assign.addEventListener('click', () => act(assign, () => api('POST', `${path}/assign`,
    { team: team.value, assignee: member.value || null, note: note.value.trim() || null }),
  o => `Assigned to ${o.assignee || 'the whole team'} of ${teamName(known, o.team)}.`));
  return h('div', { class: 'actions owner', id: 'owner-actions' }, take, h('span', { class: 'muted' }, 'or assign to'),
    team, member, note, assign);
}

function fact(term, value) {
  return [h('dt', {}, term), h('dd', {}, value === null || value === undefined || value === '' ? '—' : value)];
}

// ------------------------------------------------------------------------------------------------ reconciliation

let projectNames = null;

async function projects() {
  if (!projectNames) {
    const list = await api('GET', '/admin/projects');
    projectNames = new Map(list.map(p => [p.id, `${p.name} (${p.psaId})`]));
  }
  return projectNames;
}

async function reconciliationView(params) {
  header('reconciliation');
  const period = params.get('period') || previousMonth();
  const form = h('form', { class: 'card filters', id: 'reconciliation-period', onsubmit: event => {
    event.preventDefault();
    location.hash = '#/reconciliation' + query({ period: formValues(form).period });
  } },
  h('label', {}, 'Period', h('input', { name: 'period', type: 'month', value: period, required: true })),
  h('button', { type: 'submit', class: 'secondary' }, 'Show runs'),
  canOperate() ? h('button', { type: 'button', id: 'start-reconciliation', onclick: async event => {
    event.target.disabled = true;
    try {
      const run = await api('POST', '/admin/reconciliations', { period: formValues(form).period });
      showNotice(`Reconciliation #${run.id} of ${run.period} started.`, true, true);
      location.hash = `#/reconciliation/${run.id}`;
    } catch (failed) {
      showNotice(failed.message);
      event.target.disabled = false;
    }
  } }, 'Reconcile this period') : null);
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading runs…'));
  app.replaceChildren(h('h2', {}, 'Reconciliation'),
    h('p', { class: 'muted' }, 'Approved in the time system, transferred by ledgerbridge, held and invoiced by the ERP: '
      + 'each run compares the three for a period and lists every difference.'), form, list);
  const runs = await api('GET', '/admin/reconciliations' + query({ period }));
  if (runs.length === 0) {
    list.replaceChildren(h('div', { class: 'empty', id: 'runs-empty' }, `No reconciliation of ${period} yet. `,
      canOperate() ? 'Start one with “Reconcile this period”.' : 'An operator can start one.'));
    return;
  }
  list.replaceChildren(h('table', { id: 'runs' },
    h('thead', {}, h('tr', {}, ['#', 'Period', 'Status', 'Approved entries', 'ERP entries', 'ERP invoice lines',
      'Findings', 'Started', 'By'].map(t => h('th', {}, t)))),
    h('tbody', {}, runs.map(r => h('tr', { class: 'clickable', 'data-id': r.id,
      onclick: () => { location.hash = `#/reconciliation/${r.id}`; } },
    h('td', { class: 'num' }, r.id), h('td', {}, r.period), h('td', {}, badge(r.status)),
    h('td', { class: 'num' }, r.sourceEntries), h('td', { class: 'num' }, r.erpEntries),
    h('td', { class: 'num' }, r.erpInvoiceLines), h('td', { class: 'num' }, r.findingCount),
    h('td', {}, when(r.startedAt)), h('td', {}, r.requestedBy || '—'))))));
}

async function reconciliationRunView(id, params) {
  header('reconciliation');
  const token = renderToken;
  app.replaceChildren(h('p', { class: 'muted' }, 'Loading reconciliation…'));
  const filter = { projectId: params.get('projectId') || '', type: params.get('type') || '' };
  const [run, names] = await Promise.all([api('GET', `/admin/reconciliations/${id}` + query(filter)), projects()]);
  const all = filter.projectId || filter.type ? await api('GET', `/admin/reconciliations/${id}`) : run;
  const projectIds = [...new Set(all.findings.map(f => f.projectId).filter(p => p !== null))];
  const selected = run.findings.find(f => String(f.id) === params.get('finding'));

  const form = h('form', { class: 'filters', id: 'finding-filters', onsubmit: event => {
    event.preventDefault();
    location.hash = `#/reconciliation/${id}` + query(formValues(form));
  } },
  h('label', {}, 'Project', h('select', { name: 'projectId' }, h('option', { value: '' }, 'all projects'),
    projectIds.map(p => h('option', { value: p, selected: String(p) === filter.projectId }, names.get(p) || `#${p}`)))),
  h('label', {}, 'Finding', h('select', { name: 'type' }, h('option', { value: '' }, 'all types'),
    FINDING_TYPES.map(t => h('option', { value: t, selected: t === filter.type }, t)))),
  h('button', { type: 'submit', class: 'secondary' }, 'Show'));

  let findings;
  if (run.status === 'RUNNING') {
    findings = h('p', { class: 'muted', id: 'running' }, 'Running… this page refreshes until it is done.');
    setTimeout(() => { if (token === renderToken) render(); }, 2000);
  } else if (run.status === 'FAILED') {
    findings = h('p', { class: 'error' }, `The run failed: ${run.error}`);
  } else if (run.findings.length === 0) {
    findings = h('div', { class: 'empty', id: 'findings-empty' }, all.findings.length === 0
      ? 'No findings: what was approved is what the ERP holds and invoiced.'
      : 'No findings match these filters.');
  } else {
    findings = h('table', { id: 'findings' },
      h('thead', {}, h('tr', {}, ['Finding', 'Project', 'Currency', 'Source entry', 'ERP entry', 'Expected', 'Actual',
        'Detail', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, run.findings.map(f => h('tr', { class: 'clickable', 'data-id': f.id,
        onclick: () => { location.hash = `#/reconciliation/${id}` + query({ ...filter, finding: f.id }); } },
      h('td', {}, badge(f.type)), h('td', {}, names.get(f.projectId) || (f.projectId ? `#${f.projectId}` : '—')),
      h('td', {}, f.currency || '—'), h('td', {}, f.sourceId || '—'), h('td', {}, truncate(f.erpEntryId, 14) || '—'),
      h('td', { class: 'num' }, f.expected || '—'), h('td', { class: 'num' }, f.actual || '—'),
      h('td', {}, f.detail || ''), h('td', {}, f.replayCandidate ? h('span', { class: 'badge' }, 'replay') : '')))));
  }
  app.replaceChildren(
    h('p', {}, h('a', { href: `#/reconciliation${query({ period: run.period })}` }, `← Runs of ${run.period}`)),
    h('h2', {}, `Reconciliation #${run.id} of ${run.period} `, badge(run.status)),
    h('div', { class: 'card' }, h('dl', { class: 'facts' }, fact('Approved entries read', run.sourceEntries),
      fact('ERP entries read', run.erpEntries), fact('ERP invoice lines read', run.erpInvoiceLines),
      fact('Findings', run.findingCount), fact('Started', when(run.startedAt)), fact('Finished', when(run.finishedAt)),
      fact('Requested by', run.requestedBy))),
    selected ? await findingCard(selected, names) : null,
    h('div', { class: 'card' }, h('h3', {}, 'Findings'), form, findings));
}

async function findingCard(f, names) {
  const linked = h('div', { id: 'finding-records' });
  const known = await teams();
  const act = async (button, call, success) => {
    button.disabled = true;
    try {
      showNotice(success(await call()), true, true);
      render();
    } catch (failed) {
      showNotice(failed.message);
      button.disabled = false;
    }
  };
  let owner = null;
  if (f.status === 'OPEN' && canOperate()) {
    const reason = h('input', { id: 'finding-reason', placeholder: 'Reason (required to resolve)', maxlength: 1000 });
    const resolve = h('button', { class: 'danger', id: 'finding-resolve' }, 'Resolve');
    resolve.addEventListener('click', () => {
      if (!reason.value.trim()) {
        showNotice(`Give a reason to resolve finding #${f.id}.`);
        return;
      }
      act(resolve, () => api('POST', `/admin/findings/${f.id}/resolve`, { reason: reason.value.trim() }),
        r => `Finding #${f.id} is now ${r.status}.`);
    });
    owner = h('div', {}, ownerForm(known, f, `/admin/findings/${f.id}`, act),
      h('div', { class: 'actions' }, reason, resolve));
  }
  const card = h('div', { class: 'card', id: 'finding' },
    h('h3', {}, 'Finding ', badge(f.type), ' ', badge(f.status)),
    h('dl', { class: 'facts' }, fact('Project', names.get(f.projectId) || f.projectId), fact('Currency', f.currency),
      fact('Source entry', f.sourceId), fact('ERP entry', f.erpEntryId), fact('Expected', f.expected),
      fact('Actual', f.actual), fact('Detail', f.detail),
      fact('Replay candidate', f.replayCandidate ? 'yes: replaying its dead letter closes the gap' : 'no'),
      fact('Team', teamName(known, f.team)), fact('Assignee', f.assignee || 'nobody yet'), fact('Due', due(f)),
      f.resolution ? fact('Resolution', f.resolution) : null),
    owner,
    h('h3', {}, 'Records behind it'), linked);
  const parts = [];
  if (f.deadLetter) {
    const id = f.deadLetter.split('/').pop();
    const letter = await api('GET', f.deadLetter).catch(e => ({ error: e.message }));
    parts.push(h('p', {}, h('a', { href: `#/dead-letters/${id}`, id: 'finding-dead-letter' },
      `Dead letter #${id}`), letter.error ? ` (${letter.error})` : [' ', badge(letter.status), ' ',
      letter.errorClass, ': ', truncate(letter.errorMessage, 160)]));
  }
  if (f.syncRecord) {
    const records = await api('GET', f.syncRecord).catch(e => ({ error: e.message }));
    parts.push(h('p', {}, 'Sync records of the source entry:'), h('pre', { class: 'json', id: 'finding-sync-records' },
      JSON.stringify(records.items ?? records, null, 2)));
  }
  if (f.billingRun) {
    const run = await api('GET', f.billingRun).catch(e => ({ error: e.message }));
    parts.push(h('p', {}, `Billing run #${f.billingRun.split('/').pop()}: `, run.error ? run.error
      : [badge(run.status), ` ${run.period ?? ''} · invoice ${run.erpInvoiceId ?? '—'} · ${run.currency ?? ''} `
        + `${run.total ?? ''}`]));
  }
  linked.replaceChildren(...(parts.length ? parts : [h('p', { class: 'muted' },
    'Nothing in ledgerbridge is behind this finding: the ERP holds it without a source record.')]));
  return card;
}

// ------------------------------------------------------------------------------------------------ billing exceptions

async function billingView(params) {
  header('billing');
  const status = params.get('status') || 'OPEN';
  const selectedId = params.get('finding');
  const [names, page] = await Promise.all([projects(),
    api('GET', '/admin/findings' + query({ type: BILLING_FINDING_TYPES[0], status, size: 100 }))]);
  const form = h('form', { class: 'filters', id: 'billing-filters', onsubmit: event => {
    event.preventDefault();
    location.hash = '#/billing' + query(formValues(form));
  } },
  h('label', {}, 'Status', h('select', { name: 'status' }, ['OPEN', 'RESOLVED'].map(s =>
    h('option', { value: s, selected: s === status }, s)))),
  h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  const list = page.items.length === 0
    ? h('div', { class: 'empty', id: 'billing-empty' }, status === 'OPEN'
      ? 'No approved time is held beyond a contract\'s cap.' : 'No decisions yet.')
    : h('table', { id: 'cap-findings' },
      h('thead', {}, h('tr', {}, ['Finding', 'Project', 'Cap', 'Billed + held', 'Detail', 'Due'].map(t => h('th', {}, t)))),
      h('tbody', {}, page.items.map(f => h('tr', { class: 'clickable', 'data-id': f.id,
        onclick: () => { location.hash = '#/billing' + query({ status, finding: f.id }); } },
      h('td', {}, badge(f.type), ` #${f.id}`), h('td', {}, names.get(f.projectId) || `#${f.projectId}`),
      h('td', { class: 'num' }, `${f.expected} ${f.currency}`), h('td', { class: 'num' }, `${f.actual} ${f.currency}`),
      h('td', {}, f.detail), h('td', {}, due(f))))));
  const selected = selectedId ? await api('GET', `/admin/findings/${selectedId}`) : null;
  app.replaceChildren(h('h2', {}, 'Billing exceptions'),
    h('p', { class: 'muted' }, 'Approved time beyond a time-and-materials contract\'s cap is held from the invoice '
      + 'until an approver bills it anyway (the next billing run of the project invoices it) or writes it off.'),
    selected ? await capCard(selected, names) : null,
    h('div', { class: 'card' }, form, list));
}

async function capCard(f, names) {
  const known = await teams();
  let decision;
  if (f.status === 'OPEN' && canApprove()) {
    const reason = h('input', { id: 'cap-reason', placeholder: 'Reason (required: the audit keeps it)', maxlength: 1000 });
    const decide = (button, choice, done) => button.addEventListener('click', async () => {
      if (!reason.value.trim()) {
        showNotice(`Give a reason for finding #${f.id}.`);
        return;
      }
      button.disabled = true;
      try {
        const r = await api('POST', `/admin/findings/${f.id}/decision`, { decision: choice, reason: reason.value.trim() });
        showNotice(`Finding #${f.id}: ${r.entries} time ${r.entries === 1 ? 'entry' : 'entries'} ${done}.`, true, true);
        render();
      } catch (failed) {
        showNotice(failed.message);
        button.disabled = false;
      }
    });
    const bill = h('button', { id: 'cap-bill-anyway' }, 'Bill anyway');
    const writeOff = h('button', { class: 'danger', id: 'cap-write-off' }, 'Write off');
    decide(bill, 'BILL_ANYWAY', 'billed by the next billing run');
    decide(writeOff, 'WRITE_OFF', 'written off');
    decision = h('div', { class: 'actions' }, reason, bill, writeOff);
  } else if (f.status === 'OPEN') {
    decision = h('p', { class: 'muted', id: 'cap-approver-decides' },
      'An approver bills this time anyway or writes it off.');
  }
  return h('div', { class: 'card', id: 'cap-finding' },
    h('h3', {}, `Finding #${f.id} `, badge(f.type), ' ', badge(f.status)),
    h('dl', { class: 'facts' }, fact('Project', names.get(f.projectId) || f.projectId),
      fact('Cap', `${f.expected} ${f.currency}`), fact('Billed and held', `${f.actual} ${f.currency}`),
      fact('Detail', f.detail), fact('Team', teamName(known, f.team)), fact('Due', due(f)),
      f.resolution ? fact('Decision', f.resolution) : null),
    h('h3', {}, 'Time held beyond the cap'),
    h('table', { id: 'cap-entries' }, h('thead', {}, h('tr', {}, ['Date', 'Entry', 'Role', 'Hours', 'Amount', 'Status']
      .map(t => h('th', {}, t)))),
    h('tbody', {}, (f.heldEntries || []).map(e => h('tr', {}, h('td', {}, e.date), h('td', {}, `${e.system}:${e.id}`),
      h('td', {}, e.role || '—'), h('td', { class: 'num' }, e.hours), h('td', { class: 'num' }, `${e.amount} ${f.currency}`),
      h('td', {}, badge(e.status)))))),
    decision);
}

// ------------------------------------------------------------------------------------------------ KPIs

function money(amount) {
  return amount === null || amount === undefined ? '—' : Number(amount).toFixed(2);
}

function percent(share) {
  return share === null || share === undefined ? '—' : `${(Number(share) * 100).toFixed(1)} %`;
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

function kpiCard(label, value, note) {
  return h('div', { class: 'kpi' }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value),
    note ? h('div', { class: 'muted' }, note) : null);
}

async function kpisView(params) {
  header('kpis');
  const period = params.get('period') || monthOf(new Date());
  const projectId = params.get('projectId') || '';
  const names = await projects();
  const form = h('form', { class: 'card filters', id: 'kpi-filters', onsubmit: event => {
    event.preventDefault();
    location.hash = '#/kpis' + query(formValues(form));
  } },
  h('label', {}, 'Period', h('input', { name: 'period', type: 'month', value: period, required: true })),
  h('label', {}, 'Project', h('select', { name: 'projectId' }, h('option', { value: '' }, 'all projects'),
    [...names].map(([id, name]) => h('option', { value: id, selected: String(id) === projectId }, name)))),
  h('button', { type: 'submit', class: 'secondary' }, 'Show'));
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading KPIs…'));
  app.replaceChildren(h('h2', {}, 'Business KPIs'), form, body);

  const [k, history, margins, utilization] = await Promise.all([api('GET', '/admin/kpis' + query({ period, projectId })),
    api('GET', '/admin/kpis/history' + query({ to: period, months: 12, projectId })),
    api('GET', '/admin/kpis/margins' + query({ period })),
    api('GET', '/admin/kpis/utilization' + query({ period }))]);
  const openTotal = Object.values(k.openDeadLetters).flatMap(byClass => Object.values(byClass)).reduce((a, b) => a + b, 0);
  const cards = h('div', { class: 'kpis', id: 'kpi-cards' },
    kpiCard('Approved time synchronized without intervention', percent(k.syncedWithoutInterventionShare),
      `${k.syncedWithoutIntervention} of ${k.approvedTimeSynced} entries`),
    kpiCard('Invoice exception rate', percent(k.invoiceExceptionRate),
      `${k.billingRunsWithException} of ${k.billingRuns} billing runs`),
    kpiCard('Approval → ERP lag', `${duration(k.approvalToErpLagSeconds.p50)} / ${duration(k.approvalToErpLagSeconds.p95)}`,
      `p50 / p95 over ${k.approvalToErpLagSeconds.count} entries`),
    kpiCard('Billing cycle (approval → invoice)', `${duration(k.billingCycleSeconds.p50)} / ${duration(k.billingCycleSeconds.p95)}`,
      `p50 / p95 over ${k.billingCycleSeconds.count} items`),
    kpiCard('Open dead letters', openTotal, 'now, all periods'),
    kpiCard('Manual actions', Object.values(k.manualActions).reduce((a, b) => a + b, 0),
      Object.entries(k.manualActions).map(([a, n]) => `${a} ${n}`).join(' · ') || 'none this period'));

  const labels = history.map(r => r.period);
  const hasHistory = history.some(r => r.approvedTimeSynced > 0 || r.billingRuns > 0);
  const charts = hasHistory
    ? [h('div', { class: 'card' }, h('h3', {}, 'Over the last 12 months'),
      chart('kpi-chart-shares', labels, [
        { name: 'Synchronized without intervention (%)', values: history.map(r => share100(r.syncedWithoutInterventionShare)) },
        { name: 'Invoice exception rate (%)', values: history.map(r => share100(r.invoiceExceptionRate)) }], 100),
      chart('kpi-chart-lag', labels, [
        { name: 'Approval → ERP lag p50 (h)', values: history.map(r => hours(r.approvalToErpLagSeconds.p50)) },
        { name: 'Approval → ERP lag p95 (h)', values: history.map(r => hours(r.approvalToErpLagSeconds.p95)) },
        { name: 'Billing cycle p50 (h)', values: history.map(r => hours(r.billingCycleSeconds.p50)) }]))]
    : [h('div', { class: 'empty', id: 'kpi-history-empty' },
      'No approved time or billing runs in these 12 months yet: the charts appear once time flows.')];

  const openRows = Object.entries(k.openDeadLetters).flatMap(([flow, byClass]) => Object.entries(byClass)
    .map(([cls, n]) => h('tr', { class: 'clickable', onclick: () => {
      location.hash = '#/dead-letters' + query({ status: 'OPEN', flow, errorClass: cls });
    } }, h('td', {}, flow), h('td', {}, badge(cls)), h('td', { class: 'num' }, n))));
  const findingRows = Object.entries(k.reconciliationFindings).map(([type, n]) => h('tr', {}, h('td', {}, badge(type)),
    h('td', { class: 'num' }, n)));
  const marginRows = margins.filter(m => !projectId || m.key === `project:${projectId}`).map(m => h('tr', {},
    h('td', {}, m.name), h('td', {}, m.currency), h('td', { class: 'num' }, money(m.revenue)),
    h('td', { class: 'num' }, money(m.cost)), h('td', { class: 'num' }, money(m.margin)),
    h('td', { class: 'num' }, percent(m.marginShare)), h('td', { class: 'num' }, m.hours)));
  const utilizationRows = utilization.map(u => h('tr', {}, h('td', {}, u.name),
    h('td', { class: 'num' }, u.billableHours), h('td', { class: 'num' }, u.capacityHours),
    h('td', { class: 'num' }, percent(u.utilization))));
  const profitability = h('div', { class: 'split' },
    h('div', { class: 'card' }, h('h3', {}, 'Margin by project'), h('p', { class: 'muted' },
      'Revenue: invoiced, less credit notes, plus the change in accrued revenue. Cost: approved hours at the '
      + "person's cost rate (else the rate card's), and expenses."), marginRows.length
      ? h('table', { id: 'kpi-margins' }, h('thead', {}, h('tr', {}, h('th', {}, 'Project'), h('th', {}, 'Currency'),
        h('th', { class: 'num' }, 'Revenue'), h('th', { class: 'num' }, 'Cost'), h('th', { class: 'num' }, 'Margin'),
        h('th', { class: 'num' }, 'Margin %'), h('th', { class: 'num' }, 'Hours'))), h('tbody', {}, marginRows))
      : h('p', { class: 'muted', id: 'kpi-margins' }, 'No revenue or cost in this period.')),
    h('div', { class: 'card' }, h('h3', {}, 'Utilization by person'), h('p', { class: 'muted' },
      'Billable approved hours over contracted capacity (HR weekly hours, pro rata for joiners and leavers).'),
    utilizationRows.length
      ? h('table', { id: 'kpi-utilization' }, h('thead', {}, h('tr', {}, h('th', {}, 'Person'),
        h('th', { class: 'num' }, 'Billable h'), h('th', { class: 'num' }, 'Capacity h'),
        h('th', { class: 'num' }, 'Utilization'))), h('tbody', {}, utilizationRows))
      : h('p', { class: 'muted', id: 'kpi-utilization' }, 'No capacity from the HR feed in this period.')));
  body.replaceChildren(cards, profitability, ...charts, h('div', { class: 'split' },
    h('div', { class: 'card' }, h('h3', {}, 'Open dead letters by class and flow'), openRows.length
      ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Flow'), h('th', {}, 'Class'), h('th', { class: 'num' }, 'Open'))),
        h('tbody', {}, openRows))
      : h('p', { class: 'muted' }, 'None open.')),
    h('div', { class: 'card' }, h('h3', {}, 'Findings of the last reconciliation of the period'), k.reconciliationRun
      ? [h('p', {}, h('a', { href: `#/reconciliation/${k.reconciliationRun}` }, `Reconciliation #${k.reconciliationRun}`)),
        findingRows.length ? h('table', {}, h('tbody', {}, findingRows)) : h('p', { class: 'muted' }, 'No findings.')]
      : h('p', { class: 'muted' }, 'Not reconciled yet.'))));
}

function share100(share) {
  return share === null || share === undefined ? null : Number(share) * 100;
}

function hours(seconds) {
  return seconds === null || seconds === undefined ? null : seconds / 3600;
}

/** A line chart in SVG: one polyline per series, gaps where a month has no value. */
function chart(id, labels, series, fixedMax) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = (tag, attrs, text) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const width = 900, height = 240, left = 48, right = 16, top = 12, bottom = 28;
  const values = series.flatMap(s => s.values).filter(v => v !== null);
  const max = fixedMax ?? niceMax(Math.max(1, ...values));
  const x = i => left + (labels.length === 1 ? 0 : i * (width - left - right) / (labels.length - 1));
  const y = v => top + (height - top - bottom) * (1 - v / max);
  const root = svg('svg', { class: 'chart', id, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': series.map(s => s.name).join(', ') });
  for (let i = 0; i <= 4; i++) {
    const v = max * i / 4;
    root.append(svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(v), y2: y(v) }),
      svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end' }, Number.isInteger(v) ? v : v.toFixed(1)));
  }
  root.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: y(0), y2: y(0) }));
  labels.forEach((label, i) => root.append(svg('text', { x: x(i), y: height - 8, 'text-anchor': 'middle' }, label)));
  series.forEach((s, n) => {
    let run = [];
    const flush = () => {
      if (run.length > 1) root.append(svg('polyline', { class: `s${n}`, points: run.join(' ') }));
      run = [];
    };
    s.values.forEach((v, i) => {
      if (v === null) {
        flush();
        return;
      }
      run.push(`${x(i)},${y(v)}`);
      root.append(svg('circle', { class: `d${n}`, cx: x(i), cy: y(v), r: 3 },
      ), svg('title', {}, `${s.name} ${labels[i]}: ${v.toFixed(1)}`));
    });
    flush();
  });
  return h('div', {}, h('div', { class: 'legend' }, series.map((s, n) => h('span', {}, h('i', { class: `l${n}` }), s.name))),
    root);
}

function niceMax(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map(m => m * magnitude).find(m => m >= value);
}

// ------------------------------------------------------------------------------------------------ routing

async function render() {
  const token = ++renderToken;
  const [path, search] = (location.hash.slice(1) || '/dead-letters').split('?');
  const params = new URLSearchParams(search || '');
  if (!session) {
    loginView();
    return;
  }
  try {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'dead-letters' && parts[1]) await deadLetterView(Number(parts[1]));
    else if (parts[0] === 'reconciliation' && parts[1]) await reconciliationRunView(Number(parts[1]), params);
    else if (parts[0] === 'reconciliation') await reconciliationView(params);
    else if (parts[0] === 'kpis') await kpisView(params);
    else if (parts[0] === 'billing') await billingView(params);
    else if (parts[0] === 'login') location.hash = '#/dead-letters';
    else await deadLettersView(params);
  } catch (failed) {
    if (token !== renderToken || !session) return;
    app.replaceChildren(h('div', { class: 'card error', id: 'view-error' }, h('h3', {}, 'This view could not be loaded'),
      h('p', {}, failed.message)));
  }
}

window.addEventListener('hashchange', () => {
  if (noticeSurvivesNavigation) noticeSurvivesNavigation = false;
  else clearNotice();
  render();
});
render();
