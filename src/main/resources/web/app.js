// Live dashboard of WebsocketServerMS: plain JavaScript modules, no dependencies, nothing from a CDN.
//
// Why it is built this way (5,000 batteries x 0.4 updates/s is 2,000 frames/s, and the page must stay smooth):
// - a WebSocket message only updates the model (model.js) and notes which battery changed;
// - the DOM is touched at most once per animation frame (flush): cards only for batteries that changed, the
//   table only for the rows in its scroll window (table.js);
// - the overview, the table's order and the filter are recomputed together, at most every DERIVED_MS, so the
//   overview and the rows on screen always describe the same moment.

import { Fleet, DEFAULT_THRESHOLDS } from './model.js';
import { fixed, whole, power } from './format.js';
import { CardsView } from './cards.js';
import { TableView, SORT_KEYS, comparator } from './table.js';
import { readState, writeState, parseIds } from './view-state.js';
import { Connection, describeError } from './connection.js';
import { Session } from './auth.js';

// First thing: a token in the address bar (#token=, an old ?token= link, or the identity provider's answer) moves
// to sessionStorage and leaves the address bar before anything else reads or shares the URL.
const session = new Session({
  onToken: (token) => tokenChanged(token),
  onProblem: (text) => showBanner(text),
});
const providerAnswer = session.takeFromAddress();

const AUTO_TABLE_ABOVE = 64;         // more batteries than this: the table, unless the URL names a view
const DERIVED_MS = 100;              // overview, sort and filter: at most 10 times a second
const LATENCY_WINDOW_MS = 10000;     // summary latency percentiles over the last 10 s
const RATE_WINDOW_S = 5;             // updates/s averaged over the last 5 s
const BANNER_HIDE_MS = 15000;
const BATTERY_KEY = /^battery:(\d+):data$/;

const $ = (id) => document.getElementById(id);
const ui = {
  rate: $('stat-rate'), p50: $('stat-p50'), p95: $('stat-p95'),
  conn: $('conn'), connText: $('conn-text'), empty: $('empty'), filter: $('filter'), shown: $('shown'),
  banner: $('banner'), bannerText: $('banner-text'), bannerClose: $('banner-close'),
  q: $('q'), onlyAlarms: $('only-alarms'), onlyStale: $('only-stale'),
  viewButtons: [$('view-cards'), $('view-table')],
  thresholds: { tempAbove: $('th-temp'), socBelow: $('th-soc'), sohBelow: $('th-soh') },
  thresholdsReset: $('th-reset'),
  overview: {
    count: $('stat-count'), stale: $('ov-stale'), alarms: $('ov-alarms'), power: $('ov-power'),
    socMin: $('ov-soc-min'), socMean: $('ov-soc-mean'), socMax: $('ov-soc-max'), tempMax: $('ov-temp'),
  },
};

const state = readState(location.search, SORT_KEYS);
const fleet = new Fleet(state.thresholds);
let ids = parseIds(state.q);
let view = null;

const cards = new CardsView({
  section: $('cards-view'), grid: $('grid'), template: $('card-template'), legendWindow: $('legend-window'),
}, fleet, requestFlush);
const table = new TableView({
  section: $('table-view'), scroll: $('table-scroll'), table: $('table'), head: $('table-head'), body: $('table-body'),
}, sortBy, requestFlush);

// ---------------------------------------------------------------- stream statistics

const latencies = { value: new Float64Array(8192), time: new Float64Array(8192), next: 0, size: 0 };
const rate = { buckets: new Array(RATE_WINDOW_S + 1).fill(0), second: Math.floor(performance.now() / 1000) };

function recordLatency(ms, now) {
  const cap = latencies.value.length;
  latencies.value[latencies.next] = ms;
  latencies.time[latencies.next] = now;
  latencies.next = (latencies.next + 1) % cap;
  if (latencies.size < cap) latencies.size++;
}

function countUpdate(now) {
  rotateRate(now);
  rate.buckets[rate.buckets.length - 1]++;
}

function rotateRate(now) {
  const second = Math.floor(now / 1000);
  const shift = Math.min(second - rate.second, rate.buckets.length);
  for (let k = 0; k < shift; k++) { rate.buckets.shift(); rate.buckets.push(0); }
  rate.second = second;
}

// ---------------------------------------------------------------- frames

let firstFrameOfConnection = true;
let snapshotSeen = false;

function onNewBattery(b) {
  cards.add(b);
  table.add(b);
}

function onFrame(text) {
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    showBanner('The server sent a frame that is not JSON.');
    return;
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return;
  if (msg.error && typeof msg.error === 'object') {
    showBanner(describeError(msg.error));
    return;
  }
  if (msg.notice && typeof msg.notice === 'object') {
    onNotice(msg.notice);
    return;
  }
  const keys = Object.keys(msg);
  // A snapshot is the first frame after connect, or any frame with more or fewer than one battery,
  // or one without ws_timestamp (the server resends a snapshot after a Redis outage).
  let snapshot = firstFrameOfConnection || keys.length !== 1;
  if (!snapshot) {
    const only = msg[keys[0]];
    snapshot = !only || typeof only !== 'object' || only.ws_timestamp === undefined;
  }
  firstFrameOfConnection = false;
  const now = performance.now();
  for (const key of keys) {
    const m = BATTERY_KEY.exec(key);
    const value = msg[key];
    if (!m || !value || typeof value !== 'object') continue;
    const b = fleet.apply(Number(m[1]), value, snapshot, now, onNewBattery);
    if (!b) continue;
    cards.changed(b);
    // A stale mark repeats the last state: it is neither an update nor a latency sample.
    if (!snapshot && !b.stale) {
      countUpdate(now);
      if (Number.isFinite(b.latency)) recordLatency(b.latency, now);
    }
  }
  if (snapshot && !snapshotSeen) {
    snapshotSeen = true;
    derivedForced = true;   // an empty fleet's first snapshot changes no battery, but changes what the page says
  }
  requestFlush();
}

/** A notice from the server: a refreshed token is in force; batteries it no longer permits leave the page. */
function onNotice(notice) {
  const removed = Array.isArray(notice.removed) ? notice.removed : [];
  for (const id of removed) {
    const b = fleet.remove(Number(id));
    if (b) {
      cards.remove(b);
      table.remove(b);
    }
  }
  if (removed.length) {
    derivedForced = true;
    requestFlush();
  }
  if (typeof notice.message === 'string' && removed.length) showBanner(notice.message);
}

// ---------------------------------------------------------------- DOM (at most once per animation frame)

let flushRequested = false;
let derivedVersion = -1;
let derivedForced = true;
let lastDerived = -Infinity;
let derivedTimer = 0;

function requestFlush() {
  if (!flushRequested) {
    flushRequested = true;
    requestAnimationFrame(flush);
  }
}

function flush() {
  flushRequested = false;
  const now = performance.now();
  refreshDerived(now);
  cards.flush(now);
  table.render();
}

/** Overview, view choice, filter and sort: one pass over the fleet, when it changed, at most every DERIVED_MS. */
function refreshDerived(now) {
  if (!derivedForced) {
    if (fleet.version === derivedVersion) return;
    const wait = DERIVED_MS - (now - lastDerived);
    if (wait > 0) {
      if (!derivedTimer) derivedTimer = setTimeout(() => { derivedTimer = 0; requestFlush(); }, wait);
      return;
    }
  }
  derivedForced = false;
  derivedVersion = fleet.version;
  lastDerived = now;

  if (!state.view && fleet.size > 0) showView(fleet.size > AUTO_TABLE_ABOVE ? 'table' : 'cards');
  renderOverview(fleet.overview());
  const accept = acceptor();
  let shown;
  if (view === 'table') {
    shown = table.update(comparator(state.sort, state.dir), accept);
  } else {
    cards.applyFilter(accept);
    shown = 0;
    for (const b of fleet.all) if (accept(b)) shown++;
  }
  setText(ui.shown, fleet.size ? `${whole(shown)} of ${whole(fleet.size)} shown` : '');
  if (!fleet.size) {
    setText(ui.empty, snapshotSeen ? 'No battery has data yet. They appear as soon as one reports.' : 'Waiting for battery data…');
  } else if (!shown) {
    setText(ui.empty, 'No battery matches the filter.');
  }
  ui.empty.hidden = fleet.size > 0 && shown > 0;
}

function acceptor() {
  const idTest = ids.active ? ids.test : null;
  const { onlyAlarms, onlyStale } = state;
  return (b) => (!idTest || idTest(b.id)) && (!onlyAlarms || b.alarmed) && (!onlyStale || b.stale);
}

function renderOverview(o) {
  const v = ui.overview;
  setText(v.count, whole(o.count));
  setText(v.stale, whole(o.stale));
  setText(v.alarms, whole(o.alarms));
  setText(v.power, power(o.power));
  setText(v.socMin, fixed(o.socMin, 0));
  setText(v.socMean, fixed(o.socMean, 1));
  setText(v.socMax, fixed(o.socMax, 0));
  setText(v.tempMax, fixed(o.tempMax, 1));
  v.stale.parentElement.classList.toggle('hot', o.stale > 0);
  v.alarms.parentElement.classList.toggle('hot', o.alarms > 0);
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

// ---------------------------------------------------------------- what the user chose

function showView(v) {
  if (view === v) return;
  view = v;
  document.body.dataset.view = v;
  cards.show(v === 'cards');
  table.show(v === 'table');
  for (const b of ui.viewButtons) b.setAttribute('aria-pressed', String(b.dataset.view === v));
  derivedForced = true;
  requestFlush();
}

/** Something the user changed: recompute now and keep it in the URL. */
function changed({ toTop = false } = {}) {
  if (toTop) table.scrollToTop();
  derivedForced = true;
  requestFlush();
  writeState(state);
}

function sortBy(key) {
  if (state.sort === key) {
    state.dir = state.dir === 'asc' ? 'desc' : 'asc';
  } else {
    state.sort = key;
    state.dir = 'asc';
  }
  table.showSort(state.sort, state.dir);
  changed({ toTop: true });
}

for (const button of ui.viewButtons) {
  button.addEventListener('click', () => {
    state.view = button.dataset.view;
    showView(state.view);
    changed();
  });
}

ui.q.value = state.q;
ui.q.setAttribute('aria-invalid', String(ids.invalid.length > 0));
ui.q.addEventListener('input', () => {
  state.q = ui.q.value;
  ids = parseIds(state.q);
  ui.q.setAttribute('aria-invalid', String(ids.invalid.length > 0));
  changed({ toTop: true });
});

ui.onlyAlarms.checked = state.onlyAlarms;
ui.onlyStale.checked = state.onlyStale;
ui.onlyAlarms.addEventListener('change', () => { state.onlyAlarms = ui.onlyAlarms.checked; changed({ toTop: true }); });
ui.onlyStale.addEventListener('change', () => { state.onlyStale = ui.onlyStale.checked; changed({ toTop: true }); });

function showThresholds() {
  for (const [name, input] of Object.entries(ui.thresholds)) {
    input.value = String(state.thresholds[name]);
    input.removeAttribute('aria-invalid');
  }
}

function applyThresholds() {
  fleet.setThresholds(state.thresholds);
  for (const b of fleet.all) cards.changed(b);
  changed();
}

for (const [name, input] of Object.entries(ui.thresholds)) {
  input.addEventListener('input', () => {
    const value = input.value.trim() === '' ? NaN : Number(input.value);
    input.setAttribute('aria-invalid', String(!Number.isFinite(value)));
    if (!Number.isFinite(value)) return;   // keep the last valid threshold while the user types
    state.thresholds[name] = value;
    applyThresholds();
  });
}
ui.thresholdsReset.addEventListener('click', () => {
  state.thresholds = { ...DEFAULT_THRESHOLDS };
  showThresholds();
  applyThresholds();
});

showThresholds();
table.showSort(state.sort, state.dir);
showView(state.view || 'cards');

// ---------------------------------------------------------------- summary (1 Hz)

function updateSummary() {
  const now = performance.now();
  rotateRate(now);
  // Completed seconds only (the current one is still filling), and only seconds since data began.
  const seen = fleet.firstSampleAt ? Math.floor((now - fleet.firstSampleAt) / 1000) : 0;
  const full = rate.buckets.slice(0, -1).slice(-Math.max(1, Math.min(RATE_WINDOW_S, seen)));
  const perSecond = full.reduce((a, c) => a + c, 0) / full.length;
  ui.rate.textContent = perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
  cards.describeSpan(now);

  const recent = [];
  const cap = latencies.value.length;
  for (let k = 0; k < latencies.size; k++) {
    const i = (latencies.next - 1 - k + cap) % cap;
    if (now - latencies.time[i] > LATENCY_WINDOW_MS) break;
    recent.push(latencies.value[i]);
  }
  recent.sort((a, c) => a - c);
  ui.p50.textContent = recent.length ? String(Math.round(percentile(recent, 0.5))) : '–';
  ui.p95.textContent = recent.length ? String(Math.round(percentile(recent, 0.95))) : '–';
}

function percentile(sorted, p) {
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx];
}

setInterval(updateSummary, 1000);

// ---------------------------------------------------------------- banner

let bannerTimer = 0;
let bannerAboutConnection = false;

/** Shows text in the banner: an error frame's for 15 s, a connection problem's until the connection is back. */
function showBanner(text, aboutConnection = false) {
  bannerAboutConnection = aboutConnection;
  ui.bannerText.textContent = text;
  ui.banner.hidden = false;
  clearTimeout(bannerTimer);
  if (!aboutConnection) bannerTimer = setTimeout(hideBanner, BANNER_HIDE_MS);
}

function hideBanner() {
  ui.banner.hidden = true;
}

ui.bannerClose.addEventListener('click', hideBanner);

// ---------------------------------------------------------------- connection

const pageParams = new URLSearchParams(location.search);
const wsParams = new URLSearchParams();
for (const v of pageParams.getAll('batteries')) wsParams.append('batteries', v);

const selection = pageParams.getAll('batteries').join(',').split(',').map((s) => s.trim()).filter(Boolean);
if (selection.length) {
  ui.filter.textContent = `Showing batteries ${selection.join(', ')}`;
  ui.filter.hidden = false;
}

const connection = new Connection(wsParams.toString(), {
  onOpen: () => {
    firstFrameOfConnection = true;
    if (bannerAboutConnection) hideBanner();
  },
  onText: onFrame,
  onStatus: (s, text, title) => {
    ui.conn.dataset.state = s;
    ui.connText.textContent = text;
    ui.conn.title = title || 'WebSocket connection';
  },
  onProblem: (text) => {
    showBanner(text, true);
    if (/^unauthorized|^no_batteries|sign-in has expired/.test(text)) showSignIn(text);
  },
  token: () => session.token,
});

ui.conn.addEventListener('click', () => connection.retryNow());
window.addEventListener('online', () => connection.retryNow());

// ---------------------------------------------------------------- sign-in and demo mode

const signIn = {
  panel: $('signin'), why: $('signin-why'), idp: $('signin-idp'), form: $('signin-form'), token: $('signin-token'),
  out: $('signout'), demo: $('demo-banner'),
};
let connected = false;

function showSignIn(why) {
  signIn.why.textContent = why || 'This server needs a token to show battery data.';
  signIn.idp.hidden = !session.canSignIn;
  signIn.panel.hidden = false;
}

function connectOnce() {
  signIn.out.hidden = !session.token;
  if (connected) return;
  connected = true;
  connection.connect();
}

/** A new token is in force: the open connection gets it with the auth command; a closed one reconnects with it. */
function tokenChanged(token) {
  signIn.panel.hidden = true;
  signIn.out.hidden = !token;
  if (!connected) {
    connectOnce();
  } else if (connection.socket && connection.socket.readyState === WebSocket.OPEN && session.fromProvider) {
    connection.sendAuth(token);
  } else {
    connection.reconnect();
  }
}

signIn.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const token = signIn.token.value.trim();
  signIn.token.value = '';
  if (token) session.useToken(token);
});
signIn.idp.addEventListener('click', () => session.signIn());
signIn.out.addEventListener('click', () => {
  session.signOut();
  location.reload();
});

fetch(new URL('dashboard/config', location.href), { cache: 'no-store' })
  .then((r) => (r.ok ? r.json() : {}))
  .catch(() => ({}))
  .then(async (config) => {
    signIn.demo.hidden = !config.demo;
    await session.start(config, providerAnswer);
    const auth = config.auth || {};
    if (auth.required && !session.token) {
      showSignIn(auth.available === false ? 'Sign-in is unavailable right now: the identity provider cannot be'
        + ' reached. Try again shortly.' : '');
      return;
    }
    connectOnce();
  });
