// The status page: plain browser JavaScript, no dependencies, no build step,
// served with the agent (CSP 'self': nothing from elsewhere, no inline code).
// It reads the versioned API, follows the event stream (fetch-based, so the
// token can go in a header when reads need it) and draws charts as SVG.

const API = 'api/v1/';
const HOUR = 3600_000;
const $ = (sel) => document.querySelector(sel);

const state = { status: null, samples: [], events: [], lastSeq: null, refreshing: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const token = () => sessionStorage.getItem('wanwatch-token') ?? '';
const headers = (extra = {}) => (token() ? { ...extra, authorization: `Bearer ${token()}` } : extra);
const ms = (n) => (n === null || n === undefined ? '–' : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);
const pct = (n) => (n === null || n === undefined ? '–' : `${n < 10 ? n.toFixed(1) : Math.round(n)} %`);
const clock = (t) => new Date(t).toLocaleTimeString([], { hour12: false });
const duration = (d) => {
  const s = Math.max(0, Math.round(d / 1000));
  return s >= 3600
    ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
    : s >= 60
      ? `${Math.floor(s / 60)} min ${s % 60} s`
      : `${s} s`;
};

async function get(path) {
  const res = await fetch(API + path, { headers: headers(), cache: 'no-store' });
  const body = await res.json();
  if (!body.ok) throw new Error(`${body.error.code}: ${body.error.message}`);
  return body.result;
}

function say(text, error = false) {
  const m = $('#message');
  m.textContent = text;
  m.className = error ? 'error' : '';
}

async function act(path, body) {
  if (!token()) {
    say('enter the API token first (it is in the agent’s tokenFile)', true);
    $('#token').focus();
    return;
  }
  say(`${path}…`);
  const res = await fetch(API + path, {
    method: 'POST',
    headers: headers(body ? { 'content-type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await res.json().catch(() => ({ ok: false, error: { code: `HTTP ${res.status}`, message: '' } }));
  if (!answer.ok) return say(`${path} refused: ${answer.error.code} ${answer.error.message}`, true);
  const r = answer.result;
  say(r.switched ? `switched ${r.from ?? 'none'} → ${r.to} in ${r.durationMs} ms` : `${path}: done, no switch needed`);
  refresh();
}

function notes(u) {
  const n = [];
  if (u.held) n.push('held');
  if (u.forbidden) n.push('forbidden');
  if (u.suppressed) n.push('suppressed (flapping)');
  if (u.backedOffUntil && u.backedOffUntil > Date.now()) n.push('backed off');
  if (u.broken) n.push(`broken ${u.broken}`);
  if (u.carrier === 'down') n.push('no carrier');
  if (!u.probing) n.push('not probed');
  return n.join(', ');
}

function renderStatus() {
  const st = state.status;
  if (!st) return;
  const active = st.uplinks.find((u) => u.active);
  $('#summary').textContent = active
    ? `traffic on ${active.id} for ${duration(Date.now() - (st.activeSince ?? Date.now()))} · ${st.role}${st.busy ? ' · switching…' : ''}`
    : `no active uplink · ${st.role}`;
  const rows = st.uplinks.map((u) =>
    el(
      'tr',
      { class: u.active ? 'active' : '', 'data-uplink': u.id, 'data-state': u.state },
      el('td', {}, u.id),
      el('td', { class: 'num' }, u.priority),
      el('td', {}, el('span', { class: `state ${u.state}` }, u.state)),
      el('td', { class: 'num' }, ms(u.metrics.rttMs)),
      el('td', { class: 'num' }, pct(u.metrics.lossPct)),
      el('td', { class: 'num' }, ms(u.metrics.jitterMs)),
      el('td', { class: 'num' }, Math.round(u.penalty)),
      el('td', {}, notes(u)),
      el(
        'td',
        {},
        el('button', { type: 'button', class: 'failover', onclick: () => act('failover', { to: u.id }) }, 'Fail over'),
        el('button', { type: 'button', class: 'hold', onclick: () => act('hold', { uplink: u.id }) }, 'Hold'),
      ),
    ),
  );
  $('#uplinks tbody').replaceChildren(...rows);
  renderCountdown();
}

function renderCountdown() {
  const p = state.status?.pendingFailback;
  const box = $('#countdown');
  if (!p) return void (box.textContent = '');
  const left = p.dueAt === null ? null : p.dueAt - Date.now();
  box.textContent =
    left === null
      ? `failback to ${p.uplink} waits for ${p.waitingFor}`
      : `failback to ${p.uplink} in ${duration(left)} (${p.waitingFor})`;
}

function chart(id) {
  const points = state.samples
    .map((s) => ({ at: s.at, u: s.uplinks.find((x) => x.id === id) }))
    .filter((p) => p.u && p.at > Date.now() - HOUR);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 360 90');
  svg.setAttribute('preserveAspectRatio', 'none');
  const max = Math.max(1, ...points.map((p) => p.u.rttMs ?? 0)) * 1.15;
  // Up to an hour; a page younger than that spreads what it has.
  const from = Math.max(Date.now() - HOUR, Math.min(Date.now() - 60_000, points[0]?.at ?? Date.now()));
  const span = Date.now() - from;
  const x = (at) => ((at - from) / span) * 360;
  const y = (v) => 80 - (v / max) * 75;
  const add = (tag, attrs) => {
    const n = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
    svg.append(n);
    return n;
  };
  add('line', { x1: 0, x2: 360, y1: 80, y2: 80, class: 'axis' });
  for (const p of points)
    if (p.u.lossPct)
      add('rect', {
        x: x(p.at) - 1,
        y: 80 - (p.u.lossPct / 100) * 75,
        width: 2.5,
        height: (p.u.lossPct / 100) * 75,
        class: 'loss',
      });
  const line = points.filter((p) => p.u.rttMs !== null).map((p) => `${x(p.at).toFixed(1)},${y(p.u.rttMs).toFixed(1)}`);
  if (line.length) add('polyline', { points: line.join(' '), class: 'rtt' });
  add('text', { x: 2, y: 10 }).textContent = ms(max);
  add('text', { x: 2, y: 89 }).textContent = `−${duration(span)}`;
  add('text', { x: 335, y: 89 }).textContent = 'now';
  const last = points.at(-1)?.u;
  return el(
    'figure',
    { 'data-uplink': id },
    el('figcaption', {}, `${id}: RTT ${ms(last?.rttMs)} (line), loss ${pct(last?.lossPct)} (bars)`),
    svg,
  );
}

function renderCharts() {
  if (!state.status) return;
  $('#charts').replaceChildren(...state.status.uplinks.map((u) => chart(u.id)));
}

function describe(e) {
  const d = e.data ?? {};
  switch (e.type) {
    case 'state':
      return [`${e.uplink}: ${d.from} → ${d.to} (${d.reason})`, d.to === 'down' ? 'bad' : ''];
    case 'switch-start':
      return [`switching ${d.from ?? 'none'} → ${d.to} (${d.reason})`, ''];
    case 'switch-done':
      return [`switched ${d.from ?? 'none'} → ${d.to} (${d.reason}) in ${d.durationMs} ms`, 'switch'];
    case 'switch-failed':
      return [`switch to ${d.to} failed at ${d.step}: ${d.error?.message ?? ''}`, 'bad'];
    case 'failback-pending':
      return [`failback to ${e.uplink} pending (${d.waitingFor})`, ''];
    case 'failback-cancelled':
      return [`failback to ${e.uplink} cancelled: ${d.reason}`, ''];
    case 'role':
      return [`role ${d.previous} → ${d.role}`, ''];
    case 'warning':
      return [`warning: ${d.error?.message ?? ''}`, 'bad'];
    default:
      return [e.message ?? e.type, ''];
  }
}

function renderEvents() {
  const items = state.events
    .slice(-100)
    .reverse()
    .map((e) => {
      const [text, cls] = describe(e);
      return el('li', { class: cls, 'data-type': e.type }, el('time', {}, clock(e.at)), text);
    });
  $('#events').replaceChildren(...items);
}

/** Re-reads the status at most every 250 ms however many events arrive. */
function refresh() {
  if (state.refreshing) return;
  state.refreshing = setTimeout(async () => {
    state.refreshing = null;
    try {
      state.status = await get('status');
      addPoint(state.status);
      renderStatus();
      renderCharts();
    } catch (err) {
      say(String(err.message ?? err), true);
    }
  }, 250);
}

/** Each status read is a chart point too, so the charts move between the agent's 10 s samples. */
function addPoint(st) {
  state.samples.push({
    at: st.at,
    active: st.active,
    uplinks: st.uplinks.map((u) => ({ id: u.id, state: u.state, rttMs: u.metrics.rttMs, lossPct: u.metrics.lossPct })),
  });
  state.samples = state.samples.filter((s) => s.at > Date.now() - HOUR).sort((a, b) => a.at - b.at);
}

function onEvent(e) {
  state.lastSeq = e.seq;
  if (e.type === 'sample') {
    state.samples.push(e.data);
    state.samples.sort((a, b) => a.at - b.at);
    renderCharts();
    return;
  }
  state.events.push(e);
  renderEvents();
  refresh();
}

async function follow() {
  const conn = $('#connection');
  for (;;) {
    try {
      const h = headers(state.lastSeq === null ? {} : { 'last-event-id': String(state.lastSeq) });
      const res = await fetch(`${API}events`, { headers: h, cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      conn.textContent = 'live';
      conn.classList.add('live');
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) onEvent(JSON.parse(data.slice(6)));
        }
      }
    } catch {
      // reconnect below
    }
    conn.textContent = 'offline';
    conn.classList.remove('live');
    await new Promise((r) => setTimeout(r, 2000));
  }
}

async function start() {
  $('#token').value = token();
  $('#token').addEventListener('input', (e) => sessionStorage.setItem('wanwatch-token', e.target.value.trim()));
  $('#auth').addEventListener('submit', (e) => e.preventDefault());
  $('#failback').addEventListener('click', () => act('failback'));
  $('#release').addEventListener('click', () => act('release'));
  try {
    const [status, samples, history] = await Promise.all([get('status'), get('samples'), get('history?limit=50')]);
    state.status = status;
    state.samples = samples;
    addPoint(status);
    state.events = history.entries.map((h) => ({
      type: 'history',
      at: h.at,
      uplink: h.uplink ?? null,
      message: h.message,
    }));
    renderStatus();
    renderCharts();
    renderEvents();
  } catch (err) {
    say(`${err.message} — reads need the token: enter it and reload`, true);
  }
  setInterval(refresh, 3000);
  setInterval(renderCountdown, 1000);
  void follow();
}

void start();
