// The table view: one row per battery, sortable by any column, and virtualized: only the rows in (and just
// around) the scroll window exist in the DOM, so 5,000 batteries cost the same DOM as 30.
//
// Why it is built this way (scrolling through 5,000 live rows must stay smooth):
// - an ARIA table of divs, not a <table>: each row is absolutely positioned and fully contained (CSS contain), so
//   changing a row's text or moving it never lays out the others;
// - data row i is always drawn by pooled row i modulo the pool's size, so scrolling by k rows rewrites k rows
//   (the DOM order is restored for screen readers once scrolling pauses);
// - the scroll position and the viewport's size are remembered from their events, so rendering never forces a
//   layout to read them.

import { ALARM_TEMP, ALARM_SOC, ALARM_SOH } from './model.js';
import { fixed, clock } from './format.js';
import { fillBadges } from './badges.js';

const ROW_HEIGHT = 34;   // px; every row has exactly this height (.tbody .trow in style.css)
const OVERSCAN = 8;      // rows rendered beyond each edge of the window, so fast scrolling shows no gap
const REORDER_AFTER_MS = 200;

/** Severity for sorting by status: stale above any threshold alarm, more alarms above fewer. */
function severity(b) {
  return (b.stale ? 4 : 0) + ((b.alarms & ALARM_TEMP) ? 1 : 0) + ((b.alarms & ALARM_SOC) ? 1 : 0)
      + ((b.alarms & ALARM_SOH) ? 1 : 0);
}

/** Columns: key (URL and sort), header, unit, sort value, cell text, the alarm bit it shows, width in px. */
export const COLUMNS = [
  { key: 'id', label: 'Battery', value: (b) => b.id, text: (b) => String(b.id), width: 92 },
  { key: 'status', label: 'Status', value: severity, text: null, width: 190 },
  { key: 'voltage', label: 'Voltage', unit: 'V', value: (b) => b.voltage, text: (b) => fixed(b.voltage, 0), width: 92 },
  { key: 'current', label: 'Current', unit: 'A', value: (b) => b.current, text: (b) => fixed(b.current, 0), width: 92 },
  { key: 'power', label: 'Power', unit: 'kW', value: (b) => b.power, text: (b) => fixed(b.power, 1), width: 96 },
  { key: 'temperature', label: 'Temp', unit: '°C', value: (b) => b.temperature, text: (b) => fixed(b.temperature, 1),
    alarm: ALARM_TEMP, width: 88 },
  { key: 'soc', label: 'SoC', unit: '%', value: (b) => b.soc, text: (b) => fixed(b.soc, 0), alarm: ALARM_SOC, width: 76 },
  { key: 'soh', label: 'SoH', unit: '%', value: (b) => b.soh, text: (b) => fixed(b.soh, 0), alarm: ALARM_SOH, width: 76 },
  { key: 'latency', label: 'Latency', unit: 'ms', value: (b) => b.latency, text: (b) => fixed(b.latency, 0), width: 92 },
  { key: 'updated', label: 'Updated', value: (b) => b.timestamp, text: (b) => clock(b.timestamp), width: 120 },
];

export const SORT_KEYS = COLUMNS.map((c) => c.key);

/** Orders by the column's value; batteries without one go last either way; ties by id, ascending. */
export function comparator(key, dir) {
  const value = COLUMNS.find((c) => c.key === key).value;
  const sign = dir === 'desc' ? -1 : 1;
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    const xMissing = Number.isNaN(x);
    const yMissing = Number.isNaN(y);
    if (xMissing || yMissing) return xMissing === yMissing ? a.id - b.id : (xMissing ? 1 : -1);
    if (x === y) return a.id - b.id;
    return x < y ? -sign : sign;
  };
}

export class TableView {
  constructor({ section, scroll, table, head, body }, onSort, requestFlush) {
    this.section = section;
    this.scroll = scroll;
    this.table = table;
    this.body = body;
    this.active = false;
    this.order = [];         // every battery, in the last sort order (re-sorting it is nearly linear)
    this.rows = [];          // the batteries shown, in order
    this.pool = [];          // row elements; data row i is drawn by pool[i % pool.length]
    this.stale = true;       // the rows or the window changed since the last render
    this.scrollTop = 0;
    this.viewport = 0;       // height of the scroll box
    this.headHeight = 0;
    this.bodyHeight = -1;
    this.window = [0, 0];    // data rows [first, last) on screen
    this.reorderTimer = 0;

    table.style.setProperty('--columns', COLUMNS.map((c) => `minmax(0, ${c.width}fr)`).join(' '));
    for (const c of COLUMNS) {
      const th = document.createElement('div');
      th.setAttribute('role', 'columnheader');
      th.className = numeric(c) ? 'cell num' : 'cell';
      th.dataset.key = c.key;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      button.append(c.label);
      if (c.unit) {
        const unit = document.createElement('small');
        unit.textContent = c.unit;
        button.append(' ', unit);
      }
      const icon = document.createElement('span');
      icon.className = 'sort-icon';
      icon.setAttribute('aria-hidden', 'true');
      button.append(icon);
      button.addEventListener('click', () => onSort(c.key));
      th.append(button);
      head.append(th);
    }
    this.headers = Array.from(head.children);

    const invalidate = () => { this.stale = true; requestFlush(); };
    scroll.addEventListener('scroll', () => { this.scrollTop = scroll.scrollTop; invalidate(); }, { passive: true });
    new ResizeObserver(() => {
      this.viewport = scroll.clientHeight;
      this.headHeight = head.offsetHeight;
      invalidate();
    }).observe(scroll);
  }

  add(battery) {
    this.order.push(battery);
  }

  /** A battery left the page (no longer permitted). */
  remove(battery) {
    const at = this.order.indexOf(battery);
    if (at >= 0) this.order.splice(at, 1);
    this.stale = true;
  }

  show(active) {
    this.active = active;
    this.section.hidden = !active;
    this.stale = true;
  }

  /** Marks the sorted column for assistive technology (aria-sort) and for the eye (the arrow). */
  showSort(key, dir) {
    for (const th of this.headers) {
      if (th.dataset.key === key) th.setAttribute('aria-sort', dir === 'desc' ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
  }

  /** Sorts every battery and keeps those the predicate accepts; returns how many that is. */
  update(compare, accept) {
    this.order.sort(compare);
    this.rows = this.order.filter(accept);
    this.table.setAttribute('aria-rowcount', String(this.rows.length + 1));
    this.stale = true;
    return this.rows.length;
  }

  scrollToTop() {
    this.scroll.scrollTop = 0;
    this.scrollTop = 0;
  }

  /** Renders the rows in the scroll window; the body is as tall as all rows, so the scroll bar is true. */
  render() {
    if (!this.active || !this.stale) return;
    this.stale = false;
    const n = this.rows.length;
    if (this.bodyHeight !== n * ROW_HEIGHT) {
      this.bodyHeight = n * ROW_HEIGHT;
      this.body.style.height = `${this.bodyHeight}px`;
    }
    const visible = Math.ceil(Math.max(0, this.viewport - this.headHeight) / ROW_HEIGHT) + 1;
    const size = visible + 2 * OVERSCAN;
    if (this.pool.length !== size) this.resizePool(size);
    const first = Math.max(0, Math.min(n, Math.floor(this.scrollTop / ROW_HEIGHT) - OVERSCAN));
    const last = Math.min(n, first + size);
    const count = last - first;
    for (let k = 0; k < size; k++) {
      if ((k - (first % size) + size) % size >= count) this.pool[k].hide();   // no row of the window uses slot k
    }
    for (let i = first; i < last; i++) this.pool[i % size].show(this.rows[i], i);
    if (this.window[0] !== first || this.window[1] !== last) {
      this.window = [first, last];
      // Screen readers read rows in DOM order, but moving DOM nodes while scrolling costs a layout per frame:
      // put them in row order once the window has stopped moving.
      clearTimeout(this.reorderTimer);
      this.reorderTimer = setTimeout(() => this.reorder(), REORDER_AFTER_MS);
    }
  }

  reorder() {
    const [first, last] = this.window;
    let previous = null;
    for (let i = first; i < last; i++) {
      const el = this.pool[i % this.pool.length].el;
      if (el.previousElementSibling !== previous) this.body.insertBefore(el, previous ? previous.nextSibling : this.body.firstChild);
      previous = el;
    }
  }

  resizePool(size) {
    for (const row of this.pool) row.el.remove();
    this.pool = [];
    for (let k = 0; k < size; k++) {
      const row = new Row();
      this.pool.push(row);
      this.body.append(row.el);
    }
  }
}

function numeric(column) {
  return column.text !== null && column.key !== 'id' && column.key !== 'updated';
}

/** One pooled row; it remembers what each cell shows, so unchanged cells are not touched. */
class Row {
  constructor() {
    this.el = document.createElement('div');
    this.el.className = 'trow row';
    this.el.setAttribute('role', 'row');
    this.el.hidden = true;
    this.cells = COLUMNS.map((c) => {
      const cell = document.createElement('div');
      cell.setAttribute('role', 'cell');
      cell.className = numeric(c) ? 'cell num' : 'cell';
      cell.dataset.col = c.key;
      this.el.append(cell);
      return cell;
    });
    this.badges = document.createElement('span');
    this.badges.className = 'badges';
    this.cells[1].append(this.badges);
    this.texts = new Array(COLUMNS.length).fill(null);
    this.battery = null;
    this.index = -1;
    this.status = '';
  }

  show(b, index) {
    if (this.el.hidden) this.el.hidden = false;
    if (this.battery !== b) {
      this.battery = b;
      this.el.dataset.batteryId = String(b.id);
    }
    if (this.index !== index) {
      this.index = index;
      this.el.setAttribute('aria-rowindex', String(index + 2));   // the header is row 1
      this.el.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    }
    for (let i = 0; i < COLUMNS.length; i++) {
      const c = COLUMNS[i];
      if (c.text === null) continue;
      const text = c.text(b);
      if (this.texts[i] !== text) {
        this.texts[i] = text;
        this.cells[i].textContent = text;
      }
    }
    const status = `${b.stale}|${b.alarms}`;
    if (this.status !== status) {
      this.status = status;
      this.el.classList.toggle('stale', b.stale);
      this.el.classList.toggle('alarm', b.alarms !== 0);
      fillBadges(this.badges, b);
      if (!b.stale && !b.alarms) this.badges.append(okText());
      for (let i = 0; i < COLUMNS.length; i++) {
        if (COLUMNS[i].alarm) this.cells[i].classList.toggle('breach', (b.alarms & COLUMNS[i].alarm) !== 0);
      }
    }
  }

  hide() {
    if (!this.el.hidden) this.el.hidden = true;
    this.index = -1;
  }
}

function okText() {
  const el = document.createElement('span');
  el.className = 'ok';
  el.textContent = 'OK';
  return el;
}
