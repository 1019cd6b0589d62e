// The card view: one card per battery, in id order, with a sparkline of the last minutes.
//
// Why it is built this way:
// - cards are created only while this view is shown, a time budget per animation frame at a time, and kept;
// - a card's text is touched only when its battery changed, and only where the text differs;
// - sparklines are drawn only for cards on screen (IntersectionObserver), at most 4 times a second,
//   and off-screen cards release their canvas memory.

import { LANES, WINDOW_MS } from './model.js';
import { fixed, clock } from './format.js';
import { fillBadges } from './badges.js';

const MIN_SPAN_MS = 30 * 1000;       // until 3 minutes of data exist, the charts span what there is (>= 30 s)
const DRAW_INTERVAL_MS = 250;        // sparklines: at most 4 redraws/s
const SCROLL_REDRAW_MS = 1000;       // an idle sparkline still scrolls once a second
const CREATE_BUDGET_MS = 8;          // card creation per animation frame, so a big fleet never freezes the page
const SLOW_LATENCY_MS = 1000;
const BREACH_BITS = { temp: 1, soc: 2, soh: 4 };   // Battery.alarms bits, by the card's data-m name

/** One battery's card: its elements, what they show, and its sparkline's canvas. */
class Card {
  constructor(battery, el) {
    this.battery = battery;
    this.el = el;
    this.fields = {};
    for (const f of el.querySelectorAll('[data-f]')) this.fields[f.dataset.f] = f;
    this.metrics = Array.from(el.querySelectorAll('[data-m]'), (m) => [m, BREACH_BITS[m.dataset.m]]);
    this.latencyBadge = el.querySelector('.latency');
    this.canvas = el.querySelector('canvas');
    this.ctx = null;
    this.rendered = {};
    this.visible = false;
    this.sparkDirty = true;
    this.lastDrawn = 0;
    this.cssWidth = 0;
    this.cssHeight = 0;
  }
}

export class CardsView {
  constructor({ section, grid, template, legendWindow }, fleet, requestFlush) {
    this.section = section;
    this.grid = grid;
    this.template = template;
    this.legendWindow = legendWindow;
    this.fleet = fleet;
    this.requestFlush = requestFlush;
    this.active = false;
    this.cards = new Map();      // Battery -> Card
    this.sortedIds = [];         // ids that have a card, ascending
    this.pending = [];           // batteries without a card yet
    this.dirty = new Set();      // batteries whose card text must be refreshed
    this.onScreen = new Set();   // cards whose sparkline is (nearly) visible
    this.lastDrawPass = 0;
    this.filter = () => true;
    this.byElement = new WeakMap();

    this.visibility = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const card = this.byElement.get(entry.target);
        if (!card) continue;
        card.visible = entry.isIntersecting;
        if (card.visible) {
          this.onScreen.add(card);
          card.sparkDirty = true;
        } else {
          this.onScreen.delete(card);
          // Release the backing store of canvases far off screen; it is re-created on return.
          card.canvas.width = 0;
          card.canvas.height = 0;
        }
      }
      this.requestFlush();
    }, { rootMargin: '200px 0px' });

    this.sizes = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const card = this.byElement.get(entry.target);
        if (!card) continue;
        card.cssWidth = entry.contentRect.width;
        card.cssHeight = entry.contentRect.height;
        card.sparkDirty = true;
      }
      this.requestFlush();
    });

    // Sparklines scroll with time even when no frame arrives.
    setInterval(() => { if (this.active && this.onScreen.size) this.requestFlush(); }, DRAW_INTERVAL_MS);
  }

  /** A battery seen for the first time: it gets a card once this view is shown. */
  add(battery) {
    this.pending.push(battery);
  }

  /** A battery left the page (no longer permitted): its card goes. */
  remove(battery) {
    const waiting = this.pending.indexOf(battery);
    if (waiting >= 0) this.pending.splice(waiting, 1);
    const card = this.cards.get(battery);
    if (!card) return;
    this.visibility.unobserve(card.el);
    this.sizes.unobserve(card.canvas);
    this.onScreen.delete(card);
    this.dirty.delete(battery);
    this.cards.delete(battery);
    card.el.remove();
    const pos = lowerBound(this.sortedIds, battery.id);
    if (this.sortedIds[pos] === battery.id) this.sortedIds.splice(pos, 1);
  }

  /** A battery's state changed. */
  changed(battery) {
    this.dirty.add(battery);
  }

  show(active) {
    this.active = active;
    this.section.hidden = !active;
    if (active) {
      for (const b of this.cards.keys()) this.dirty.add(b);
    }
  }

  /** Shows only the batteries the predicate accepts (cards keep their id order). */
  applyFilter(accept) {
    this.filter = accept;
    for (const card of this.cards.values()) this.place(card);
  }

  place(card) {
    const hidden = !this.filter(card.battery);
    if (card.el.hidden !== hidden) card.el.hidden = hidden;
  }

  /** The DOM work of one animation frame. */
  flush(now) {
    if (!this.active) return;
    if (this.pending.length) this.createCards();
    for (const b of this.dirty) {
      const card = this.cards.get(b);
      if (card) this.render(card);
    }
    this.dirty.clear();
    if (now - this.lastDrawPass >= DRAW_INTERVAL_MS) this.drawVisible(now);
  }

  createCards() {
    const start = performance.now();
    this.pending.sort((a, b) => a.id - b.id);
    let made = 0;
    for (const b of this.pending) {
      if (made > 0 && performance.now() - start > CREATE_BUDGET_MS) break;
      made++;
      const el = this.template.content.firstElementChild.cloneNode(true);
      el.dataset.batteryId = String(b.id);
      const card = new Card(b, el);
      card.fields.id.textContent = String(b.id);
      this.cards.set(b, card);
      this.byElement.set(el, card);
      this.byElement.set(card.canvas, card);
      this.place(card);
      // Insert before the first card with a larger id, keeping the grid sorted by id.
      const pos = lowerBound(this.sortedIds, b.id);
      const before = pos < this.sortedIds.length ? this.cards.get(this.fleet.batteries.get(this.sortedIds[pos])).el : null;
      this.grid.insertBefore(el, before);
      this.sortedIds.splice(pos, 0, b.id);
      this.visibility.observe(el);
      this.sizes.observe(card.canvas);
      this.render(card);
    }
    this.pending.splice(0, made);
    if (this.pending.length) this.requestFlush();
  }

  render(card) {
    const b = card.battery;
    const s = b.state;
    setText(card, 'voltage', fixed(b.voltage, 0));
    setText(card, 'current', fixed(b.current, 0));
    setText(card, 'temperature', fixed(b.temperature, 1));
    setText(card, 'soc', fixed(b.soc, 0));
    setText(card, 'soh', fixed(b.soh, 0));
    setText(card, 'latency', fixed(b.latency, 0));
    setText(card, 'time', clock(b.timestamp));
    const width = Number.isFinite(b.soh) ? `${Math.max(0, Math.min(100, b.soh))}%` : '0%';
    if (card.rendered.sohWidth !== width) {
      card.rendered.sohWidth = width;
      card.fields['soh-bar'].style.width = width;
    }
    const slow = b.latency >= SLOW_LATENCY_MS;
    if (card.rendered.slow !== slow) {
      card.rendered.slow = slow;
      card.latencyBadge.classList.toggle('slow', slow);
    }
    if (typeof s.timestamp === 'number' && card.rendered.ts !== s.timestamp) {
      card.rendered.ts = s.timestamp;
      card.el.dataset.timestamp = String(s.timestamp);
    }
    const status = `${b.stale}|${b.alarms}`;
    if (card.rendered.status !== status) {
      card.rendered.status = status;
      card.el.classList.toggle('stale', b.stale);
      card.el.classList.toggle('alarm', b.alarms !== 0);
      fillBadges(card.fields.badges, b);
      for (const [el, bit] of card.metrics) el.classList.toggle('breach', (b.alarms & bit) !== 0);
    }
    card.sparkDirty = true;
  }

  drawVisible(now) {
    this.lastDrawPass = now;
    for (const card of this.onScreen) {
      if (card.sparkDirty || now - card.lastDrawn >= SCROLL_REDRAW_MS) this.draw(card, now);
    }
  }

  draw(card, now) {
    const w = card.cssWidth;
    const h = card.cssHeight;
    if (w < 2 || h < 2) return;
    const dpr = window.devicePixelRatio || 1;
    const pw = Math.round(w * dpr);
    const ph = Math.round(h * dpr);
    if (card.canvas.width !== pw || card.canvas.height !== ph) {
      card.canvas.width = pw;
      card.canvas.height = ph;
      card.ctx = null;
    }
    const ctx = card.ctx || (card.ctx = card.canvas.getContext('2d'));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    card.sparkDirty = false;
    card.lastDrawn = now;

    const series = card.battery.series;
    const span = this.chartSpan(now);
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
  chartSpan(now) {
    const first = this.fleet.firstSampleAt;
    if (!first) return WINDOW_MS;
    return Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, now - first));
  }

  /** The legend's "last 3 minutes", once a second. */
  describeSpan(now) {
    const seconds = Math.round(this.chartSpan(now) / 1000);
    let text;
    if (seconds < 60) {
      text = `last ${seconds} s`;
    } else {
      const minutes = Math.floor(seconds / 60);
      const rest = seconds % 60;
      text = rest ? `last ${minutes} min ${rest} s` : `last ${minutes} minute${minutes > 1 ? 's' : ''}`;
    }
    if (this.legendWindow.textContent !== text) this.legendWindow.textContent = text;
  }
}

function setText(card, field, text) {
  if (card.rendered[field] !== text) {
    card.rendered[field] = text;
    card.fields[field].textContent = text;
  }
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
