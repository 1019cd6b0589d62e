// What the user chose to see (view, sort, id filter, toggles, alarm thresholds), kept in the page's URL so that
// a link shows the same. Parameters the page does not own (batteries, token) are left exactly as they were.

import { DEFAULT_THRESHOLDS } from './model.js';

export const VIEWS = ['cards', 'table'];

const THRESHOLD_PARAMS = [['tempAbove', 'temp_above'], ['socBelow', 'soc_below'], ['sohBelow', 'soh_below']];
const OWNED = new Set(['view', 'sort', 'dir', 'q', 'alarms', 'stale', ...THRESHOLD_PARAMS.map(([, p]) => p)]);

/**
 * Reads the state from a query string; anything it does not understand falls back to the default.
 * view is null when the URL does not name one: the page then picks it from the fleet's size.
 */
export function readState(search, sortKeys) {
  const p = new URLSearchParams(search);
  const thresholds = { ...DEFAULT_THRESHOLDS };
  for (const [name, param] of THRESHOLD_PARAMS) {
    const raw = p.get(param);
    const value = raw === null || raw.trim() === '' ? NaN : Number(raw);
    if (Number.isFinite(value)) thresholds[name] = value;
  }
  return {
    view: VIEWS.includes(p.get('view')) ? p.get('view') : null,
    sort: sortKeys.includes(p.get('sort')) ? p.get('sort') : 'id',
    dir: p.get('dir') === 'desc' ? 'desc' : 'asc',
    q: p.get('q') || '',
    onlyAlarms: p.get('alarms') === '1',
    onlyStale: p.get('stale') === '1',
    thresholds,
  };
}

/** Replaces the URL's query with the state (no history entry, no reload). */
export function writeState(state) {
  const kept = location.search.slice(1).split('&').filter((part) => {
    if (!part) return false;
    const key = decodeURIComponent(part.split('=')[0].replace(/\+/g, ' '));
    return !OWNED.has(key);
  });
  const owned = [];
  const add = (key, value) => owned.push(`${key}=${encode(value)}`);
  if (state.view) add('view', state.view);
  if (state.sort !== 'id' || state.dir !== 'asc') {
    add('sort', state.sort);
    add('dir', state.dir);
  }
  if (state.q.trim()) add('q', state.q.trim());
  if (state.onlyAlarms) add('alarms', '1');
  if (state.onlyStale) add('stale', '1');
  for (const [name, param] of THRESHOLD_PARAMS) {
    if (state.thresholds[name] !== DEFAULT_THRESHOLDS[name]) add(param, String(state.thresholds[name]));
  }
  const query = [...kept, ...owned].join('&');
  const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
}

// Commas stay readable in a shared link ("q=7,10-20"); everything else is percent-encoded.
function encode(value) {
  return encodeURIComponent(value).replace(/%2C/gi, ',');
}

/**
 * The id filter: battery ids and inclusive ranges separated by commas or spaces ("7, 10-20"). A term that is
 * neither is reported in invalid and matches nothing.
 */
export function parseIds(text) {
  const terms = text.replace(/\s*-\s*/g, '-').split(/[\s,;]+/).filter(Boolean);
  const singles = new Set();
  const ranges = [];
  const invalid = [];
  for (const term of terms) {
    const range = /^(\d+)-(\d+)$/.exec(term);
    if (/^\d+$/.test(term)) {
      singles.add(Number(term));
    } else if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      ranges.push([Math.min(a, b), Math.max(a, b)]);
    } else {
      invalid.push(term);
    }
  }
  return {
    active: terms.length > 0,
    invalid,
    test: (id) => singles.has(id) || ranges.some(([lo, hi]) => id >= lo && id <= hi),
  };
}
