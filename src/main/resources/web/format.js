// Number and time formats shared by the views, so a value reads the same in the overview, a card and a row.

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A number with a fixed number of decimals, or an en dash when there is none. */
export function fixed(v, digits) {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** A whole number with thousands separators (2,000 batteries; 98,412 kW), or an en dash. */
export function whole(v) {
  return Number.isFinite(v) ? grouped.format(v) : '–';
}

/** Total power: whole kW with separators from 100 kW, one decimal below. */
export function power(kw) {
  return Number.isFinite(kw) && Math.abs(kw) < 100 ? kw.toFixed(1) : whole(kw);
}

/** A device timestamp (epoch ms) as local wall-clock time. */
export function clock(epochMs) {
  return Number.isFinite(epochMs) ? timeFormat.format(epochMs) : '–';
}
