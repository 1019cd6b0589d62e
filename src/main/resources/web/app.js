// Live dashboard of WebsocketServerMS: plain JS, no dependencies.
//
// Why it is built this way (256 batteries x 2 updates/s must stay smooth):
// - a WebSocket message only updates the in-memory model and marks the battery dirty;
//   the DOM is touched once per animation frame, only for dirty cards, only where text changed;
// - cards are created once and kept; series live in fixed-size ring buffers;
// - sparklines are drawn only for cards on screen (IntersectionObserver), at most 4 times a second,
//   and off-screen cards release their canvas memory.
'use strict';

(() => {
  const WINDOW_MS = 3 * 60 * 1000;     // sparkline time window
  const MIN_SPAN_MS = 30 * 1000;       // until 3 minutes of data exist, the charts span what there is (>= 30 s)
  const BUCKET_MS = 500;               // one sample per battery per bucket: the newest one wins
  const SERIES_CAPACITY = Math.ceil(WINDOW_MS / BUCKET_MS) + 8;
  const DRAW_INTERVAL_MS = 250;        // sparklines: at most 4 redraws/s
  const SCROLL_REDRAW_MS = 1000;       // an idle sparkline still scrolls once a second
  const STALE_MS = 15000;              // no update for this long: the card is dimmed
  const LATENCY_WINDOW_MS = 10000;     // summary latency percentiles over the last 10 s
  const RATE_WINDOW_S = 5;             // updates/s averaged over the last 5 s
  const BACKOFF_BASE_MS = 500;
  const BACKOFF_MAX_MS = 30000;
  const STABLE_CONNECTION_MS = 10000;  // a connection that lived this long resets the backoff
  const BANNER_HIDE_MS = 15000;
  const SLOW_LATENCY_MS = 1000;

  // Lanes of a sparkline: field of the series, colour, smallest vertical span shown (so noise stays flat).
  const LANES = [
    { name: 'voltage', color: '#2f6fde', minSpan: 4 },
    { name: 'current', color: '#d98300', minSpan: 4 },
    { name: 'temperature', color: '#d6455d', minSpan: 1 },
    { name: 'soc', color: '#16966a', minSpan: 2 },
  ];

  const $ = (id) => document.getElementById(id);
  const grid = $('grid');
  const template = $('card-template');
  const ui = {
    count: $('stat-count'), rate: $('stat-rate'), p50: $('stat-p50'), p95: $('stat-p95'),
    span: $('legend-window'), conn: $('conn'), connText: $('conn-text'), empty: $('empty'), filter: $('filter'),
    banner: $('banner'), bannerText: $('banner-text'), bannerClose: $('banner-close'),
  };
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

  // ---------------------------------------------------------------- model

  /** Fixed-capacity ring buffer of (time, voltage, current, temperature °C, SoC). */
  class Series {
    constructor(capacity) {
      this.capacity = capacity;
      this.t = new Float64Array(capacity);
      this.fields = {};
      for (const lane of LANES) this.fields[lane.name] = new Float32Array(capacity);
      this.head = 0;   // index of the next write
      this.size = 0;
    }

    push(time, values) {
      const last = (this.head - 1 + this.capacity) % this.capacity;
      let i = this.head;
      if (this.size > 0 && Math.floor(this.t[last] / BUCKET_MS) === Math.floor(time / BUCKET_MS)) {
        i = last;      // same bucket: replace, so memory and drawing cost do not grow with the update rate
      } else {
        this.head = (this.head + 1) % this.capacity;
        if (this.size < this.capacity) this.size++;
      }
      this.t[i] = time;
      for (const lane of LANES) this.fields[lane.name][i] = values[lane.name];
    }

    /** Calls fn(index) from oldest to newest for samples newer than since. */
    forEachSince(since, fn) {
      const start = (this.head - this.size + this.capacity) % this.capacity;
      for (let k = 0; k < this.size; k++) {
        const i = (start + k) % this.capacity;
        if (this.t[i] >= since) fn(i);
      }
    }
  }

  /** One battery: its latest state, its series and its card (created on the first frame it is drawn). */
  class Battery {
    constructor(id) {
      this.id = id;
      this.state = {};
      this.series = new Series(SERIES_CAPACITY);
      this.lastSeen = 0;
      this.card = null;
      this.fields = null;
      this.rendered = {};
      this.canvas = null;
      this.ctx = null;
      this.visible = false;
      this.stale = false;
      this.sparkDirty = true;
      this.lastDrawn = 0;
      this.cssWidth = 0;
      this.cssHeight = 0;
    }
  }

  const batteries = new Map();   // id -> Battery
  let firstSampleAt = 0;         // performance.now() of the page's first battery sample
  const sortedIds = [];          // ids that have a card, ascending
  const dirty = new Set();       // batteries whose card text must be refreshed
  const pendingCards = [];       // batteries that have no card yet

  // Rolling stats for the summary header.
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

  const BATTERY_KEY = /^battery:(\d+):data$/;

  /** Applies one battery object of a frame: replaces the state's fields and records a sample. */
  function apply(id, value, snapshot, now) {
    let b = batteries.get(id);
    if (!b) {
      b = new Battery(id);
      batteries.set(id, b);
      pendingCards.push(b);
    }
    const ts = value.timestamp;
    // Per battery, never go back in time (a late live frame after a newer snapshot is dropped).
    if (!snapshot && typeof ts === 'number' && typeof b.state.timestamp === 'number' && ts < b.state.timestamp) return;
    Object.assign(b.state, value);
    b.lastSeen = now;
    if (!firstSampleAt) firstSampleAt = now;
    b.series.push(now, {
      voltage: num(value.voltage), current: num(value.current),
      temperature: num(value.temperature) / 10, soc: num(value.state_of_charge),
    });
    b.sparkDirty = true;
    dirty.add(b);
    if (!snapshot) countUpdate(now);
    if (typeof value.latency_ms === 'number' && !snapshot) recordLatency(value.latency_ms, now);
  }

  function num(v) {
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : NaN;
  }

  // ---------------------------------------------------------------- frames

  let firstFrameOfConnection = true;

  function onFrame(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      showBanner('The server sent a frame that is not JSON.');
      return;
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return;
    if (msg.error && typeof msg.error === 'object') {
      showBanner(describeError(msg.error));
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
      if (m && value && typeof value === 'object') apply(Number(m[1]), value, snapshot, now);
    }
    if (snapshot) ui.empty.textContent = 'No battery has data yet. Cards appear as soon as one reports.';
    requestFlush();
  }

  function describeError(error) {
    const code = error.code ? String(error.code) : 'error';
    const message = error.message ? String(error.message) : 'The server reported an error.';
    return `${code}: ${message}`;
  }

  // ---------------------------------------------------------------- DOM (once per animation frame)

  let flushRequested = false;

  function requestFlush() {
    if (!flushRequested) {
      flushRequested = true;
      requestAnimationFrame(flush);
    }
  }

  function flush() {
    flushRequested = false;
    if (pendingCards.length) createCards();
    for (const b of dirty) render(b);
    dirty.clear();
    const now = performance.now();
    if (now - lastDrawPass >= DRAW_INTERVAL_MS) drawVisible(now);
  }

  function createCards() {
    pendingCards.sort((a, b) => a.id - b.id);
    for (const b of pendingCards) {
      const card = template.content.firstElementChild.cloneNode(true);
      card.dataset.batteryId = String(b.id);
      b.card = card;
      b.fields = {};
      for (const el of card.querySelectorAll('[data-f]')) b.fields[el.dataset.f] = el;
      b.fields.id.textContent = String(b.id);
      b.latencyBadge = card.querySelector('.latency');
      b.canvas = card.querySelector('canvas');
      canvasOwner.set(b.canvas, b);
      cardOwner.set(card, b);
      // Insert before the first card with a larger id, keeping the grid sorted by id.
      const pos = lowerBound(sortedIds, b.id);
      const before = pos < sortedIds.length ? batteries.get(sortedIds[pos]).card : null;
      grid.insertBefore(card, before);
      sortedIds.splice(pos, 0, b.id);
      visibility.observe(card);
      sizes.observe(b.canvas);
    }
    pendingCards.length = 0;
    ui.empty.hidden = true;
    ui.count.textContent = String(batteries.size);
  }

  function lowerBound(arr, x) {
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (arr[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function setText(b, field, text) {
    if (b.rendered[field] !== text) {
      b.rendered[field] = text;
      b.fields[field].textContent = text;
    }
  }

  function render(b) {
    if (!b.card) return;
    const s = b.state;
    setText(b, 'voltage', fmt(s.voltage, 0));
    setText(b, 'current', fmt(s.current, 0));
    setText(b, 'temperature', fmt(num(s.temperature) / 10, 1));
    setText(b, 'soc', fmt(s.state_of_charge, 0));
    setText(b, 'soh', fmt(s.state_of_health, 0));
    setText(b, 'latency', fmt(s.latency_ms, 0));
    setText(b, 'time', typeof s.timestamp === 'number' ? timeFormat.format(s.timestamp) : '–');
    const soh = num(s.state_of_health);
    const width = Number.isFinite(soh) ? `${Math.max(0, Math.min(100, soh))}%` : '0%';
    if (b.rendered.sohWidth !== width) {
      b.rendered.sohWidth = width;
      b.fields['soh-bar'].style.width = width;
    }
    const slow = num(s.latency_ms) >= SLOW_LATENCY_MS;
    if (b.rendered.slow !== slow) {
      b.rendered.slow = slow;
      b.latencyBadge.classList.toggle('slow', slow);
    }
    if (typeof s.timestamp === 'number' && b.rendered.ts !== s.timestamp) {
      b.rendered.ts = s.timestamp;
      b.card.dataset.timestamp = String(s.timestamp);   // lets tests and tools see that a card moved on
    }
    if (b.stale) setStale(b, false);
  }

  function fmt(v, decimals) {
    const n = num(v);
    if (!Number.isFinite(n)) return '–';
    return Number.isInteger(n) && decimals === 0 ? String(n) : n.toFixed(decimals);
  }

  function setStale(b, stale) {
    b.stale = stale;
    b.card.classList.toggle('stale', stale);
  }

  // ---------------------------------------------------------------- sparklines

  const canvasOwner = new WeakMap();
  const cardOwner = new WeakMap();
  const onScreen = new Set();
  let lastDrawPass = 0;

  const visibility = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const b = cardOwner.get(entry.target);
      if (!b) continue;
      b.visible = entry.isIntersecting;
      if (b.visible) {
        onScreen.add(b);
        b.sparkDirty = true;
      } else {
        onScreen.delete(b);
        // Release the backing store of canvases far off screen; it is re-created on return.
        b.canvas.width = 0;
        b.canvas.height = 0;
      }
    }
    requestFlush();
  }, { rootMargin: '200px 0px' });

  const sizes = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const b = canvasOwner.get(entry.target);
      if (!b) continue;
      b.cssWidth = entry.contentRect.width;
      b.cssHeight = entry.contentRect.height;
      b.sparkDirty = true;
    }
    requestFlush();
  });

  function drawVisible(now) {
    lastDrawPass = now;
    for (const b of onScreen) {
      if (b.sparkDirty || now - b.lastDrawn >= SCROLL_REDRAW_MS) draw(b, now);
    }
  }

  function draw(b, now) {
    const w = b.cssWidth;
    const h = b.cssHeight;
    if (w < 2 || h < 2) return;
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.round(w * dpr);
    const ph = Math.round(h * dpr);
    if (b.canvas.width !== pw || b.canvas.height !== ph) {
      b.canvas.width = pw;
      b.canvas.height = ph;
      b.ctx = null;
    }
    const ctx = b.ctx || (b.ctx = b.canvas.getContext('2d'));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    b.sparkDirty = false;
    b.lastDrawn = now;

    const series = b.series;
    const span = chartSpan(now);
    const since = now - span;
    const pad = 4;
    const gap = 3;
    const laneH = (h - 2 * pad - gap * (LANES.length - 1)) / LANES.length;
    const xOf = (t) => w - 3 - ((now - t) / span) * (w - 6);

    LANES.forEach((lane, li) => {
      const data = series.fields[lane.name];
      let min = Infinity;
      let max = -Infinity;
      series.forEachSince(since, (i) => {
        const v = data[i];
        if (v < min) min = v;
        if (v > max) max = v;
      });
      const top = pad + li * (laneH + gap);
      ctx.fillStyle = 'rgba(23, 33, 47, 0.035)';
      ctx.fillRect(0, top, w, laneH);
      if (!Number.isFinite(min)) return;
      if (max - min < lane.minSpan) {
        const mid = (max + min) / 2;
        min = mid - lane.minSpan / 2;
        max = mid + lane.minSpan / 2;
      }
      const yOf = (v) => top + laneH - 1 - ((v - min) / (max - min)) * (laneH - 2);
      ctx.beginPath();
      let first = true;
      let lastX = 0;
      let lastY = 0;
      series.forEachSince(since, (i) => {
        const v = data[i];
        if (!Number.isFinite(v)) return;
        lastX = xOf(series.t[i]);
        lastY = yOf(v);
        if (first) { ctx.moveTo(lastX, lastY); first = false; } else ctx.lineTo(lastX, lastY);
      });
      ctx.strokeStyle = lane.color;
      ctx.lineWidth = 1.5;
      ctx.lineJoin = 'round';
      ctx.stroke();
      if (!first) {
        ctx.fillStyle = lane.color;
        ctx.beginPath();
        ctx.arc(lastX, lastY, 2.2, 0, Math.PI * 2);
        ctx.fill();
      }
    });
  }

  /** Time span of every chart: the full window once it has data, until then what there is (all cards alike). */
  function chartSpan(now) {
    if (!firstSampleAt) return WINDOW_MS;
    return Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, now - firstSampleAt));
  }

  function describeSpan(ms) {
    const seconds = Math.round(ms / 1000);
    if (seconds < 60) return `last ${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    return rest ? `last ${minutes} min ${rest} s` : `last ${minutes} minute${minutes > 1 ? 's' : ''}`;
  }

  // Sparklines scroll with time even when no frame arrives.
  setInterval(() => { if (onScreen.size) requestFlush(); }, DRAW_INTERVAL_MS);

  // ---------------------------------------------------------------- summary (1 Hz)

  function updateSummary() {
    const now = performance.now();
    rotateRate(now);
    // Completed seconds only (the current one is still filling), and only seconds since data began.
    const seen = firstSampleAt ? Math.floor((now - firstSampleAt) / 1000) : 0;
    const full = rate.buckets.slice(0, -1).slice(-Math.max(1, Math.min(RATE_WINDOW_S, seen)));
    const perSecond = full.reduce((a, c) => a + c, 0) / full.length;
    ui.rate.textContent = perSecond >= 100 ? String(Math.round(perSecond)) : perSecond.toFixed(1);
    ui.count.textContent = String(batteries.size);
    ui.span.textContent = describeSpan(chartSpan(now));

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

    for (const b of batteries.values()) {
      if (b.card && !b.stale && now - b.lastSeen > STALE_MS) setStale(b, true);
    }
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
  if (pageParams.get('token')) wsParams.set('token', pageParams.get('token'));

  function endpoint(scheme) {
    // Relative to the page, so the dashboard also works behind a path prefix.
    const url = new URL('ws', location.href);
    url.protocol = scheme;
    url.search = wsParams.toString();
    url.hash = '';
    return url.toString();
  }

  const filterIds = pageParams.getAll('batteries').join(',').split(',').map((s) => s.trim()).filter(Boolean);
  if (filterIds.length) {
    ui.filter.textContent = `Showing batteries ${filterIds.join(', ')}`;
    ui.filter.hidden = false;
  }

  let socket = null;
  let attempt = 0;
  let openedAt = 0;
  let retryTimer = 0;
  let countdownTimer = 0;

  function setConnection(state, text, title) {
    ui.conn.dataset.state = state;
    ui.connText.textContent = text;
    ui.conn.title = title || 'WebSocket connection';
  }

  function connect() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    retryTimer = 0;
    setConnection('connecting', attempt ? `Reconnecting (try ${attempt + 1})…` : 'Connecting…');
    firstFrameOfConnection = true;
    openedAt = 0;
    let ws;
    try {
      ws = new WebSocket(endpoint(location.protocol === 'https:' ? 'wss:' : 'ws:'));
    } catch (e) {
      showBanner(`Cannot open the WebSocket: ${e.message}`, true);
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      openedAt = performance.now();
      setConnection('live', 'Live');
      if (bannerAboutConnection) hideBanner();
    };
    ws.onmessage = (ev) => { if (typeof ev.data === 'string') onFrame(ev.data); };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      const wasOpen = openedAt > 0;
      if (wasOpen && performance.now() - openedAt >= STABLE_CONNECTION_MS) attempt = 0;
      if (wasOpen) {
        const why = closeReason(ev);
        if (why) showBanner(why, true);
      } else {
        diagnoseRefusal();
      }
      scheduleReconnect();
    };
  }

  function closeReason(ev) {
    const reason = ev.reason ? `: ${ev.reason}` : '';
    switch (ev.code) {
      case 1000: return '';
      case 1001: return `The server is going away (1001${reason}). Reconnecting…`;
      case 1006: return '';   // network drop: the connection indicator already says so
      case 1008: return `The server closed the connection (policy, 1008${reason}).`;
      case 1011: return `The server hit an error (1011${reason}). Reconnecting…`;
      default: return `Connection closed (${ev.code}${reason}).`;
    }
  }

  // A refused upgrade is invisible to the WebSocket API (always code 1006), but the same URL over
  // plain HTTP usually answers with the server's JSON error (401 bad token, 403 origin, 503 Redis down).
  function diagnoseRefusal() {
    fetch(endpoint(location.protocol), { cache: 'no-store' })
      .then((r) => (r.ok ? null : r.json()))
      .then((body) => {
        if (body && body.error && typeof body.error === 'object') showBanner(describeError(body.error), true);
      })
      .catch(() => { /* server unreachable: the indicator shows it */ });
  }

  function scheduleReconnect() {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);   // exponential backoff, "equal jitter"
    attempt++;
    const due = performance.now() + delay;
    const tick = () => {
      const left = Math.max(0, Math.ceil((due - performance.now()) / 1000));
      setConnection('waiting', `Offline · retry in ${left}s`, 'Click to reconnect now');
    };
    tick();
    countdownTimer = setInterval(tick, 1000);
    retryTimer = setTimeout(connect, delay);
  }

  ui.conn.addEventListener('click', () => {
    if (!socket && retryTimer) connect();
  });
  window.addEventListener('online', () => {
    if (!socket && retryTimer) connect();
  });

  connect();
})();
