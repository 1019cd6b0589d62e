// The table view: one row per battery, sortable by any column, and virtualized: only the rows in (and just
// around) the scroll window exist in the DOM, so 5,000 batteries cost the same DOM as 30.

import { ALARM_TEMP, ALARM_SOC, ALARM_SOH } from './model.js';
import { fixed, clock } from './format.js';
import { fillBadges } from './badges.js';

const ROW_HEIGHT = 34;   // px; every row has exactly this height (style.css), so the window is arithmetic
const OVERSCAN = 8;      // rows rendered beyond each edge of the window, so fast scrolling shows no gap

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
  constructor({ section, scroll, table, head, cols, body }, onSort, requestFlush) {
    this.section = section;
    this.scroll = scroll;
    this.table = table;
    this.body = body;
    this.active = false;
    this.order = [];         // every battery, in the last sort order (re-sorting it is nearly linear)
    this.rows = [];          // the batteries shown, in order
    this.pool = [];          // row elements, reused as the window moves
    this.stale = true;       // the rows or the window changed since the last render

    for (const c of COLUMNS) {
      const col = document.createElement('col');
      col.style.width = `${c.width}px`;
      cols.append(col);
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.key = c.key;
      if (c.text !== null && c.key !== 'id' && c.key !== 'updated') th.classList.add('num');
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

    this.topSpacer = spacer();
    this.bottomSpacer = spacer();
    body.append(this.topSpacer, this.bottomSpacer);

    scroll.addEventListener('scroll', () => { this.stale = true; requestFlush(); }, { passive: true });
    new ResizeObserver(() => { this.stale = true; requestFlush(); }).observe(scroll);
  }

  add(battery) {
    this.order.push(battery);
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
  }

  /** Renders the rows in the scroll window; the rest of the table is two spacers. */
  render() {
    if (!this.active || !this.stale) return;
    this.stale = false;
    const n = this.rows.length;
    const headHeight = this.table.tHead.offsetHeight;
    const top = this.scroll.scrollTop;
    const height = Math.max(0, this.scroll.clientHeight - headHeight);
    const first = Math.max(0, Math.min(n, Math.floor(top / ROW_HEIGHT) - OVERSCAN));
    const last = Math.min(n, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    setHeight(this.topSpacer, first * ROW_HEIGHT);
    setHeight(this.bottomSpacer, (n - last) * ROW_HEIGHT);

    const needed = last - first;
    while (this.pool.length < needed) {
      const row = new Row();
      this.pool.push(row);
      this.body.insertBefore(row.el, this.bottomSpacer);
    }
    for (let k = 0; k < this.pool.length; k++) {
      const row = this.pool[k];
      if (k < needed) {
        row.show(this.rows[first + k], first + k);
      } else {
        row.hide();
      }
    }
  }
}

/** One pooled table row; it remembers what each cell shows, so unchanged cells are not touched. */
class Row {
  constructor() {
    this.el = document.createElement('tr');
    this.el.className = 'row';
    this.cells = COLUMNS.map((c) => {
      const td = document.createElement('td');
      td.dataset.col = c.key;
      if (c.text !== null && c.key !== 'id' && c.key !== 'updated') td.className = 'num';
      this.el.append(td);
      return td;
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
  }
}

function okText() {
  const el = document.createElement('span');
  el.className = 'ok';
  el.textContent = 'OK';
  return el;
}

function spacer() {
  const tr = document.createElement('tr');
  tr.className = 'spacer';
  tr.setAttribute('aria-hidden', 'true');
  const td = document.createElement('td');
  td.colSpan = COLUMNS.length;
  tr.append(td);
  return tr;
}

function setHeight(spacerRow, px) {
  const h = `${px}px`;
  const td = spacerRow.firstChild;
  if (td.style.height !== h) td.style.height = h;
  spacerRow.hidden = px === 0;
}
