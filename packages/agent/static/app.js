// The status page: plain browser JavaScript, no build step, served with the
// agent (CSP 'self': nothing from elsewhere, no inline code). It reads the
// versioned API, follows the event stream (fetch-based, so the token can go
// in a header when reads need it) and draws its charts with uPlot, which the
// agent serves from static/vendor (copied from the npm package at build).

const API = 'api/v1/';
const RANGES = { '1h': 3_600_000, '24h': 86_400_000 };
const RETRY_MS = 2000;
const STATE_COLOURS = { down: '#c5302c', degraded: '#c28a00', unknown: '#7a7f85' };
const $ = (sel) => document.querySelector(sel);

const state = {
  status: null,
  range: '1h',
  samples: null,
  samplesAt: 0,
  markers: [],
  events: [],
  lastSeq: null,
  /** Whether the agent answers: null until the first answer or failure. */
  reachable: null,
  /** When it stopped answering. */
  lostAt: null,
  refreshing: null,
  charts: new Map(),
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
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
const online = () => state.reachable !== false;

/** The agent stopped answering (a request could not be made), or answers again. */
function reachable(yes) {
  const before = state.reachable;
  if (yes === before) return;
  state.reachable = yes;
  state.lostAt = yes ? null : Date.now();
  renderConnection();
  if (yes && before === false) {
    refresh();
    void loadCharts();
  }
}

/** A read. A request that cannot be made means the agent is unreachable; an answer, even an error, that it is there. */
async function get(path) {
  let res;
  try {
    res = await fetch(API + path, { headers: headers(), cache: 'no-store' });
  } catch (err) {
    reachable(false);
    throw err;
  }
  reachable(true);
  const body = await res.json();
  if (!body.ok) throw new Error(`${body.error.code}: ${body.error.message}`);
  // A read that works again takes back what a failed read said.
  if ($('#message').dataset.read) say('');
  return body.result;
}

/** A line under the table; `read`: it is about a failed read, cleared by the next one that works. */
function say(text, error = false, read = false) {
  const m = $('#message');
  m.textContent = text;
  m.className = error ? 'error' : '';
  if (read) m.dataset.read = '1';
  else delete m.dataset.read;
}

/** Asks before anything that can move traffic; resolves true to go ahead. */
function confirmed(question) {
  const dialog = $('#confirm');
  $('#confirm-text').textContent = question;
  dialog.returnValue = '';
  dialog.showModal();
  $('#confirm-no').focus();
  return new Promise((resolve) =>
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true }),
  );
}

async function act(path, body, question) {
  if (!online()) return say('the agent is not answering; try again when it is back', true);
  if (!token()) {
    say('enter the API token first (it is in the agent’s tokenFile)', true);
    $('#token').focus();
    return;
  }
  if (!(await confirmed(question))) return say(`${path}: cancelled, nothing changed`);
  say(`${path}…`);
  let res;
  try {
    res = await fetch(API + path, {
      method: 'POST',
      headers: headers(body ? { 'content-type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    reachable(false);
    return say(`${path}: the agent did not answer`, true);
  }
  const answer = await res.json().catch(() => ({ ok: false, error: { code: `HTTP ${res.status}`, message: '' } }));
  if (!answer.ok) return say(`${path} refused: ${answer.error.code} ${answer.error.message}`, true);
  const r = answer.result;
  say(
    r.switched
      ? `switched ${r.from ?? 'none'} → ${r.to} in ${r.durationMs} ms`
      : `${path}${body?.uplink ? ` ${body.uplink}` : ''}: done, no switch needed`,
  );
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
  if (u.state === 'down' && u.reason) n.push(u.reason);
  return n.join(', ');
}

/** The buttons of one uplink's row: never "Fail over" to the uplink that carries traffic already. */
function buttons(u, st) {
  const active = st.uplinks.find((x) => x.active);
  const from = active ? active.id : 'none';
  const b = (cls, label, onclick) => el('button', { type: 'button', class: cls, disabled: !online(), onclick }, label);
  const list = [];
  if (!u.active)
    list.push(
      b('failover', 'Fail over', () =>
        act(
          'failover',
          { to: u.id },
          `Move traffic from ${from} to ${u.id} now? With automatic failback it returns to the preferred uplink after the failback delay; hold ${u.id} to keep it.`,
        ),
      ),
    );
  list.push(
    u.held
      ? b('unhold', 'Release hold', () =>
          act('release', { uplink: u.id }, `Release the hold on ${u.id}? Priorities decide again; traffic may move.`),
        )
      : b('hold', 'Hold', () =>
          act(
            'hold',
            { uplink: u.id },
            `Hold ${u.id}: prefer it above every priority until released. Traffic moves to ${u.id} now if it is usable.`,
          ),
        ),
  );
  list.push(
    u.forbidden
      ? b('allow', 'Allow', () =>
          act('release', { uplink: u.id }, `Allow ${u.id} again? It may be chosen by priority; traffic may move.`),
        )
      : b('forbid', 'Forbid', () =>
          act(
            'forbid',
            { uplink: u.id },
            `Forbid ${u.id}: never use it until released.${u.active ? ` Traffic leaves ${u.id} now if another uplink is usable.` : ''}`,
          ),
        ),
  );
  return list;
}

function renderStatus() {
  const st = state.status;
  if (!st) return;
  const active = st.uplinks.find((u) => u.active);
  const what = active
    ? `traffic on ${active.id} for ${duration(Date.now() - (st.activeSince ?? Date.now()))} · ${st.role}${st.busy ? ' · switching…' : ''}`
    : `no active uplink · ${st.role}`;
  $('#summary').textContent = online()
    ? what
    : `agent unreachable · last known: ${active ? `traffic on ${active.id}` : 'no active uplink'}`;
  const rows = st.uplinks.map((u) =>
    el(
      'tr',
      { class: u.active ? 'active' : '', 'data-uplink': u.id, 'data-state': u.state },
      el('td', { class: 'name' }, u.id),
      el('td', { class: 'num', 'data-label': 'prio' }, u.priority),
      el('td', { 'data-label': 'state' }, el('span', { class: `state ${u.state}` }, u.state)),
      el('td', { class: 'num', 'data-label': 'RTT' }, ms(u.metrics.rttMs)),
      el('td', { class: 'num', 'data-label': 'loss' }, pct(u.metrics.lossPct)),
      el('td', { class: 'num', 'data-label': 'jitter' }, ms(u.metrics.jitterMs)),
      el('td', { class: 'num', 'data-label': 'penalty' }, Math.round(u.penalty)),
      el('td', { class: 'notes' }, notes(u)),
      el('td', { class: 'buttons' }, ...buttons(u, st)),
    ),
  );
  $('#uplinks tbody').replaceChildren(...rows);
  renderCountdown();
}

function renderCountdown() {
  const box = $('#countdown');
  const p = state.status?.pendingFailback;
  // Unreachable: the agent's timers are unknown, so nothing ticks.
  if (!p || !online()) return void (box.textContent = '');
  const left = p.dueAt === null ? null : p.dueAt - Date.now();
  box.textContent =
    left === null
      ? `failback to ${p.uplink} waits for ${p.waitingFor}`
      : `failback to ${p.uplink} in ${duration(left)} (${p.waitingFor})`;
}

function renderConnection() {
  const conn = $('#connection');
  const banner = $('#offline');
  const live = online();
  conn.textContent = state.reachable === null ? 'connecting' : live ? 'live' : 'offline';
  conn.classList.toggle('live', state.reachable === true);
  banner.hidden = live;
  banner.textContent = live
    ? ''
    : `The agent is not answering (since ${clock(state.lostAt)}). What you see is its last known state; retrying every ${RETRY_MS / 1000} s.`;
  $('#uplinks').classList.toggle('stale', !live);
  $('#charts').classList.toggle('stale', !live);
  for (const b of document.querySelectorAll('#uplinks button, .bar .actions button')) b.disabled = !live;
  renderStatus();
  renderCountdown();
}

// ---- charts ------------------------------------------------------------------

/** The chart data of one uplink: time, RTT mean, max, min, loss (worst 10 s). */
function seriesOf(id) {
  const points = state.samples?.points ?? [];
  const cols = [[], [], [], [], []];
  for (const p of points) {
    const u = p.uplinks.find((x) => x.id === id);
    cols[0].push(p.at);
    cols[1].push(u?.rttMs ?? null);
    cols[2].push(u?.rttMaxMs ?? null);
    cols[3].push(u?.rttMinMs ?? null);
    cols[4].push(u?.lossMaxPct ?? null);
  }
  return cols;
}

/** Markers of one uplink in the range: switches to or from it, and its state changes (not the first verdict after a start). */
function markersOf(id) {
  const from = state.samples?.from ?? 0;
  return state.markers.filter(
    (m) =>
      m.at >= from &&
      ((m.type === 'switch' && (m.data?.to === id || m.data?.from === id)) ||
        (m.type === 'state' && m.uplink === id && !(m.data?.from === 'unknown' && m.data?.to === 'up'))),
  );
}

/** Behind the lines: where this uplink carried traffic. */
function drawActive(u, id, figure) {
  const points = state.samples?.points ?? [];
  const { ctx } = u;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.fillStyle = 'rgba(31, 138, 76, 0.13)';
  let spans = 0;
  let start = null;
  const flush = (end) => {
    if (start === null) return;
    const x0 = u.valToPos(start, 'x', true);
    const x1 = u.valToPos(end, 'x', true);
    ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    spans++;
    start = null;
  };
  for (const [i, p] of points.entries()) {
    if (p.active === id) start ??= p.at - p.spanMs;
    else flush(points[i - 1]?.at ?? p.at);
  }
  flush(points.at(-1)?.at ?? 0);
  ctx.restore();
  figure.dataset.activeSpans = String(spans);
}

/** Over the lines: a strip of the worst state along the bottom, and switch / state markers. */
function drawOverlays(u, id, figure) {
  const points = state.samples?.points ?? [];
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const dpr = devicePixelRatio || 1;
  ctx.save();
  const strip = 5 * dpr;
  for (const p of points) {
    const s = p.uplinks.find((x) => x.id === id);
    const colour = s && STATE_COLOURS[s.worst];
    if (!colour) continue;
    const x0 = Math.max(left, u.valToPos(p.at - p.spanMs, 'x', true));
    const x1 = Math.min(left + width, u.valToPos(p.at, 'x', true));
    ctx.fillStyle = colour;
    ctx.fillRect(x0, top + height - strip, Math.max(dpr, x1 - x0), strip);
  }
  const marks = markersOf(id);
  ctx.font = `${10 * dpr}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const m of marks) {
    const x = Math.round(u.valToPos(m.at, 'x', true));
    if (x < left || x > left + width) continue;
    const isSwitch = m.type === 'switch';
    ctx.strokeStyle = isSwitch ? '#23292f' : (STATE_COLOURS[m.data?.to] ?? '#1f8a4c');
    ctx.lineWidth = (isSwitch ? 2 : 1) * dpr;
    ctx.setLineDash(isSwitch ? [] : [4 * dpr, 3 * dpr]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    if (isSwitch) {
      ctx.fillStyle = '#23292f';
      ctx.fillText(m.data?.to === id ? `→ ${id}` : `${id} →`, x + 3 * dpr, top + 2 * dpr);
    }
  }
  ctx.restore();
  figure.dataset.markers = String(marks.length);
}

/** The charts' time axis: the whole range, or from the first point when the agent's history is younger (at least 5 min). */
function timeRange() {
  const { from, to, points } = state.samples;
  const first = points[0] ? points[0].at - points[0].spanMs : to;
  return [Math.max(from, Math.min(first, to - 300_000)), to];
}

function chartOptions(id, figure, width) {
  return {
    width,
    height: 170,
    ms: 1,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true, range: () => timeRange() },
      ms: { range: (_u, _min, max) => [0, Math.max(10, (max ?? 0) * 1.15)] },
      '%': { range: [0, 100] },
    },
    series: [
      {},
      { label: 'RTT', scale: 'ms', stroke: '#2f6db3', width: 1.5 },
      { label: 'RTT max', scale: 'ms', stroke: 'rgba(47, 109, 179, 0.25)', width: 0.5 },
      { label: 'RTT min', scale: 'ms', stroke: 'rgba(47, 109, 179, 0.25)', width: 0.5 },
      {
        label: 'loss',
        scale: '%',
        stroke: 'rgba(197, 48, 44, 0.8)',
        fill: 'rgba(197, 48, 44, 0.3)',
        width: 1,
        paths: uPlot.paths.stepped({ align: -1 }),
      },
    ],
    bands: [{ series: [2, 3], fill: 'rgba(47, 109, 179, 0.15)' }],
    axes: [
      {
        space: 70,
        values: (_u, splits) =>
          splits.map((t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false })),
      },
      { scale: 'ms', values: (_u, vals) => vals.map((v) => `${v} ms`), size: 56 },
      { scale: '%', side: 1, grid: { show: false }, values: (_u, vals) => vals.map((v) => `${v} %`), size: 52 },
    ],
    hooks: {
      drawClear: [(u) => drawActive(u, id, figure)],
      draw: [(u) => drawOverlays(u, id, figure)],
    },
  };
}

function caption(id) {
  const last = state.samples?.points.at(-1)?.uplinks.find((x) => x.id === id);
  return `${id}: RTT ${ms(last?.rttMs)} · loss ${pct(last?.lossPct)} (last ${state.range === '1h' ? '10 s' : 'minute'})`;
}

/** (Re)draws every uplink's chart from state.samples and state.markers. */
function renderCharts() {
  if (!state.status || !state.samples || typeof uPlot !== 'function') return;
  const ids = state.status.uplinks.map((u) => u.id);
  const box = $('#charts');
  if ([...state.charts.keys()].join() !== ids.join() || box.children.length !== ids.length) {
    for (const c of state.charts.values()) c.plot.destroy();
    state.charts.clear();
    box.replaceChildren();
    for (const id of ids) {
      const plot = el('div', { class: 'plot' });
      const figure = el('figure', { 'data-uplink': id }, el('figcaption', {}, caption(id)), plot);
      box.append(figure);
      const width = Math.max(200, plot.clientWidth);
      state.charts.set(id, { figure, plot: new uPlot(chartOptions(id, figure, width), seriesOf(id), plot) });
    }
  }
  for (const [id, c] of state.charts) {
    c.figure.dataset.points = String(state.samples.points.length);
    c.figure.dataset.range = state.range;
    c.figure.querySelector('figcaption').textContent = caption(id);
    c.plot.setData(seriesOf(id));
  }
}

function resizeCharts() {
  for (const c of state.charts.values()) {
    const width = Math.max(200, c.figure.clientWidth - 16);
    c.plot.setSize({ width, height: 170 });
  }
}

/** Reads the range's points and markers, then draws. */
async function loadCharts() {
  const range = state.range;
  try {
    const [samples, history] = await Promise.all([
      get(`samples?range=${range}`),
      get(`history?since=${Date.now() - RANGES[range]}&limit=1000`),
    ]);
    if (range !== state.range) return;
    state.samples = samples;
    state.samplesAt = Date.now();
    state.markers = history.entries.filter((e) => e.type === 'switch' || e.type === 'state');
    renderCharts();
  } catch (err) {
    if (online()) say(String(err.message ?? err), true, true);
  }
}

/** A live 10-second point: appended to the hour view; the day view re-reads its minutes once a minute. */
function addSample(point) {
  if (!state.samples) return;
  if (state.range !== '1h') {
    if (Date.now() - state.samplesAt > 60_000) void loadCharts();
    return;
  }
  const s = state.samples;
  if (s.points.at(-1)?.at >= point.at) return;
  s.to = point.at;
  s.from = point.at - RANGES['1h'];
  s.points = [...s.points.filter((p) => p.at > s.from), point];
  renderCharts();
}

function setRange(range) {
  state.range = range;
  for (const b of document.querySelectorAll('.ranges button'))
    b.setAttribute('aria-pressed', String(b.dataset.range === range));
  for (const c of state.charts.values()) c.plot.destroy();
  state.charts.clear();
  void loadCharts();
}

// ---- events ------------------------------------------------------------------

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
      renderStatus();
      renderCharts();
    } catch (err) {
      if (online()) say(String(err.message ?? err), true, true);
    }
  }, 250);
}

function onEvent(e) {
  state.lastSeq = e.seq;
  if (e.type === 'sample') return addSample(e.data);
  state.events.push(e);
  // Switches and state changes are chart markers too, in the history's shape.
  if (e.type === 'switch-done') state.markers.push({ type: 'switch', at: e.at, uplink: e.uplink, data: e.data });
  if (e.type === 'state') state.markers.push({ type: 'state', at: e.at, uplink: e.uplink, data: e.data });
  renderEvents();
  refresh();
}

async function follow() {
  for (;;) {
    try {
      const h = headers(state.lastSeq === null ? {} : { 'last-event-id': String(state.lastSeq) });
      let res;
      try {
        res = await fetch(`${API}events`, { headers: h, cache: 'no-store' });
      } catch (err) {
        reachable(false);
        throw err;
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      reachable(true);
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
      // The stream ended: the agent stopped (or restarted).
      reachable(false);
    } catch {
      // an unreachable agent is shown by reachable(false); retried below
    }
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

async function start() {
  $('#token').value = token();
  $('#token').addEventListener('input', (e) => sessionStorage.setItem('wanwatch-token', e.target.value.trim()));
  $('#auth').addEventListener('submit', (e) => e.preventDefault());
  $('#failback').addEventListener('click', () => {
    const p = state.status?.pendingFailback;
    const active = state.status?.active ?? 'none';
    act(
      'failback',
      undefined,
      p
        ? `Fail back from ${active} to ${p.uplink} now, without waiting?`
        : `Return from ${active} to the best better uplink now, if there is one?`,
    );
  });
  $('#release').addEventListener('click', () =>
    act('release', undefined, 'Release every hold and forbid? Priorities decide again; traffic may move.'),
  );
  for (const b of document.querySelectorAll('.ranges button'))
    b.addEventListener('click', () => setRange(b.dataset.range));
  addEventListener('resize', resizeCharts);
  renderConnection();
  try {
    const [status, history] = await Promise.all([get('status'), get('history?limit=50')]);
    state.status = status;
    state.events = history.entries.map((h) => ({
      type: 'history',
      at: h.at,
      uplink: h.uplink ?? null,
      message: h.message,
    }));
    renderStatus();
    renderEvents();
    await loadCharts();
  } catch (err) {
    if (online()) say(`${err.message} — reads need the token: enter it and reload`, true);
  }
  setInterval(() => online() && refresh(), 3000);
  setInterval(renderCountdown, 1000);
  void follow();
}

void start();
