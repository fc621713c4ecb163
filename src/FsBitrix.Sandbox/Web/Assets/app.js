// The sandbox page: draws the PageView the server streams (GET /sandbox/events/stream) and sends clicks on
// numbers to POST /sandbox/click-to-call. Rows are keyed and only redrawn when their data changed, so an
// <audio> element that is playing survives the next update.
'use strict';

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
let view = null;

// Small DOM builder: el('td', {class: 'x', dataset: {...}}, 'text', child...). Text is never parsed as HTML.
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else if (key in node && key !== 'list') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// Keyed reconcile: keeps unchanged elements (and their state), replaces changed ones, drops the rest.
function reconcile(container, items, keyOf, render) {
  const existing = new Map([...container.children].map((node) => [node.dataset.key, node]));
  const wanted = items.map((item) => {
    const key = keyOf(item);
    const signature = JSON.stringify(item);
    let node = existing.get(key);
    existing.delete(key);
    if (!node || node.dataset.signature !== signature) {
      const fresh = render(item);
      fresh.dataset.key = key;
      fresh.dataset.signature = signature;
      if (node) node.replaceWith(fresh);
      node = fresh;
    }
    return node;
  });
  existing.forEach((node) => node.remove());
  wanted.forEach((node, i) => {
    if (container.children[i] !== node) container.insertBefore(node, container.children[i] || null);
  });
}

const clock = (iso) => new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const fullDate = (iso) => new Date(iso).toLocaleString('en-GB');
const duration = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
const arrow = (direction) => (direction === 'Outbound' ? '↗' : direction === 'Callback' ? '↺' : direction === 'Redirected' ? '↪' : '↙');
const entityCell = (name, type) => (name
  ? el('span', {}, el('span', { class: `etype t-${type.toLowerCase()}` }, type.toLowerCase()), ' ', name)
  : el('span', { class: 'muted' }, 'not in CRM'));
const since = (iso) => el('span', { class: 'since', dataset: { since: iso }, title: fullDate(iso) }, elapsed(iso));

function elapsed(iso) {
  const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  return duration(s);
}

function renderAgent(agent) {
  const cards = agent.cards.map((card) => el('li', {
    class: `card${card.live ? '' : ' ended'}`, dataset: { testid: 'call-card', callId: card.callId },
  },
  el('span', { class: 'card-dir', title: card.direction, 'aria-label': card.direction }, arrow(card.direction)),
  el('span', { class: 'card-body' },
    el('strong', { class: 'card-phone' }, card.phone),
    el('span', { class: 'card-entity' }, card.entity || 'Unknown caller')),
  card.live ? null : el('span', { class: 'card-state' }, 'Finished')));
  return el('li', {
    class: `agent${agent.active ? '' : ' inactive'}${agent.cards.length ? ' busy' : ''}`,
    dataset: { testid: 'agent', userId: agent.id },
    'aria-label': `${agent.name}, ${agent.cards.length} call card(s)`,
  },
  el('div', { class: 'agent-head' },
    el('span', { class: `avatar c${agent.id % 6}`, 'aria-hidden': 'true' }, agent.initials),
    el('div', { class: 'agent-id' },
      el('strong', { dataset: { testid: 'agent-name' }, title: agent.name }, agent.name),
      el('span', { class: 'agent-line' },
        el('span', { class: 'ext', dataset: { testid: 'agent-extension' } }, agent.extension ? `ext. ${agent.extension}` : 'no extension'),
        el('span', { class: `presence p-${agent.presence.replace(/\W+/g, '-').toLowerCase()}` }, agent.presence)))),
  agent.cards.length
    ? el('ul', { class: 'cards', 'aria-label': 'Call cards' }, cards)
    : el('p', { class: 'no-card' }, 'No call card'));
}

function renderLive(call) {
  return el('tr', { dataset: { testid: 'live-call', callId: call.callId }, title: call.callId },
    el('td', {}, since(call.registeredAt)),
    el('td', {}, el('span', { class: 'dir' }, arrow(call.direction), ' ', call.direction),
      call.clickToCall ? el('span', { class: 'badge', title: 'Started by a click on a number in the CRM' }, 'click-to-call') : null),
    el('td', { class: 'num' }, call.phone),
    el('td', {}, entityCell(call.entity, call.entityType), call.createdLead ? el('span', { class: 'badge new' }, 'new lead') : null),
    el('td', {},
      el('span', { class: 'who' }, call.agent),
      el('span', { class: 'shown', dataset: { testid: 'shown-to' } }, call.shownTo.length
        ? ['card: ', call.shownTo.map((name, i) => [i > 0 ? ', ' : '', el('span', { class: 'who' }, name)])]
        : 'no card shown')));
}

function renderLog(call) {
  const audio = call.recording
    ? [call.recording.voicemail ? el('span', { class: 'badge', dataset: { testid: 'voicemail' }, title: 'The message the client left' }, 'voicemail') : null,
      el('audio', { controls: true, preload: 'metadata', src: call.recording.url, title: call.recording.fileName, dataset: { testid: 'recording' } })]
    : el('span', { class: 'muted' }, 'none');
  return el('tr', { dataset: { testid: 'log-row', callId: call.callId }, title: call.callId },
    el('td', { title: fullDate(call.finishedAt) }, clock(call.finishedAt)),
    el('td', {}, el('span', { class: 'dir', dataset: { testid: 'log-direction' } }, arrow(call.direction), ' ', call.direction)),
    el('td', { class: 'num' }, call.phone),
    el('td', {}, entityCell(call.entity, call.entityType)),
    el('td', { class: 'who' }, call.agent),
    el('td', { class: 'num' }, duration(call.duration)),
    el('td', {}, el('span', { class: `status s-${call.tone}`, dataset: { testid: 'log-status' } },
      el('b', {}, call.status), ' ', call.statusLabel)),
    el('td', { class: 'rec' }, audio));
}

function renderCrm(entity) {
  const phones = entity.phones.map((phone) => el('button', {
    type: 'button', class: 'phone', dataset: { testid: 'call-phone', phone },
    title: entity.callable ? `Call ${phone}: sends ONEXTERNALCALLSTART` : 'Click-to-call is off: no event handler URL',
    on: { click: () => clickToCall(entity, phone) },
  }, el('span', { 'aria-hidden': 'true' }, '✆ '), phone));
  return el('tr', { dataset: { testid: 'crm-row', entity: `${entity.type}-${entity.id}` } },
    el('td', {}, el('span', { class: `etype t-${entity.type.toLowerCase()}` }, entity.type.toLowerCase())),
    el('td', {}, entity.name, entity.createdByCall ? el('span', { class: 'badge new' }, 'created by a call') : null),
    el('td', {}, el('div', { class: 'phones' }, phones)),
    el('td', { class: 'who' }, entity.responsible));
}

function renderCaller(agents) {
  const select = $('caller-select');
  const callers = agents.filter((a) => a.active);
  const signature = JSON.stringify(callers.map((a) => [a.id, a.name, a.extension]));
  if (select.dataset.signature === signature) return;
  const chosen = select.value || String((callers.find((a) => a.extension) || callers[0] || {}).id || '');
  select.replaceChildren(...callers.map((a) => el('option', { value: String(a.id) }, a.extension ? `${a.name} (${a.extension})` : a.name)));
  select.value = chosen;
  select.dataset.signature = signature;
}

function render(next) {
  view = next;
  $('domain').textContent = view.domain;
  reconcile($('agents'), view.agents, (a) => String(a.id), renderAgent);
  reconcile($('live-calls'), view.liveCalls, (c) => c.callId, renderLive);
  reconcile($('call-log'), view.callLog, (c) => c.callId, renderLog);
  // Whether a handler is set goes into each CRM row's signature, so the numbers' tooltips follow it.
  const callable = Boolean(view.eventHandlerUrl);
  reconcile($('crm'), view.crm.map((e) => ({ ...e, callable })), (e) => `${e.type}-${e.id}`, renderCrm);
  renderCaller(view.agents);
  $('live-count').textContent = view.liveCalls.length;
  $('log-count').textContent = view.finishedTotal;
  $('live-empty').hidden = view.liveCalls.length > 0;
  $('log-empty').hidden = view.callLog.length > 0;
  showMore($('log-more'), view.finishedTotal - view.callLog.length, 'older calls not shown');
  showMore($('crm-more'), view.crmTotal - view.crm.length, 'more records not shown');
  const handler = $('handler');
  handler.replaceChildren(view.eventHandlerUrl
    ? el('span', {}, 'Clicking a number sends ONEXTERNALCALLSTART to ', el('code', {}, view.eventHandlerUrl))
    : el('span', {}, 'Click-to-call is off: no event handler URL is configured (the demo points it at the service’s ', el('code', {}, '/bitrix/events'), ').'));
  handler.dataset.configured = view.eventHandlerUrl ? 'yes' : 'no';
}

function showMore(node, hiddenCount, words) {
  node.hidden = hiddenCount <= 0;
  node.textContent = hiddenCount > 0 ? `${hiddenCount} ${words}` : '';
}

let toastTimer = 0;
function toast(text, kind) {
  const node = $('toast');
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 8000);
}

async function clickToCall(entity, phone) {
  if (!view || !view.eventHandlerUrl) {
    toast('Click-to-call is off: this sandbox portal has no event handler URL. Start it through the demo, or set SandboxOptions.EventHandlerUrl to the service’s /bitrix/events.', 'error');
    return;
  }
  const userId = Number($('caller-select').value);
  try {
    const response = await fetch('/sandbox/click-to-call', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId, phone, entityType: entity.type, entityId: entity.id }),
    });
    const answer = await response.json();
    if (!response.ok) toast(answer.error, 'error');
    else if (answer.deliveryError) toast(`ONEXTERNALCALLSTART could not be delivered: ${answer.deliveryError}`, 'error');
    else toast(`ONEXTERNALCALLSTART sent for ${phone}; the handler answered ${answer.handlerStatus}.`, 'ok');
  } catch (e) {
    toast(`The sandbox did not answer: ${e.message}`, 'error');
  }
}

function connect() {
  const conn = $('connection');
  const setState = (state, text) => { conn.dataset.state = state; conn.textContent = text; };
  // EventSource reconnects by itself (the server asks for 1 s); each reconnect starts with a full view.
  const source = new EventSource('/sandbox/events/stream');
  source.addEventListener('state', (e) => { render(JSON.parse(e.data)); setState('live', 'Live'); });
  source.addEventListener('error', () => setState('reconnecting', 'Reconnecting…'));
}

// Elapsed times tick in the browser so the server need not send a message every second.
setInterval(() => document.querySelectorAll('[data-since]').forEach((node) => { node.textContent = elapsed(node.dataset.since); }), 1000);
connect();
