// The fleet as the WebSocket described it: each battery's latest state, its recent series and its alarms.
// No DOM here; the views read it once per animation frame at most.

export const WINDOW_MS = 3 * 60 * 1000;   // sparkline time window
const BUCKET_MS = 500;                     // one sample per battery per bucket: the newest one wins
const SERIES_MAX = Math.ceil(WINDOW_MS / BUCKET_MS) + 8;
const SERIES_MIN = 16;

export const DEFAULT_THRESHOLDS = Object.freeze({ tempAbove: 45, socBelow: 10, sohBelow: 80 });

// Alarm bits of Battery.alarms; the names are what the badges say.
export const ALARM_TEMP = 1;
export const ALARM_SOC = 2;
export const ALARM_SOH = 4;
const ALARM_NAMES = [[ALARM_TEMP, 'temp'], [ALARM_SOC, 'SoC'], [ALARM_SOH, 'SoH']];

// Lanes of a sparkline: field of the series, colour, smallest vertical span shown (so noise stays flat).
export const LANES = [
  { name: 'voltage', color: '#2f6fde', minSpan: 4 },
  { name: 'current', color: '#d98300', minSpan: 4 },
  { name: 'temperature', color: '#d6455d', minSpan: 1 },
  { name: 'soc', color: '#16966a', minSpan: 2 },
];

export function num(v) {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : NaN;
}

/**
 * Ring buffer of (time, voltage, current, temperature °C, SoC) that grows with what the window holds, so a
 * battery reporting every few seconds does not pay for the capacity a fast one needs (5,000 batteries).
 */
export class Series {
  constructor() {
    this.capacity = 0;
    this.t = new Float64Array(0);
    this.fields = {};
    for (const lane of LANES) this.fields[lane.name] = new Float32Array(0);
    this.head = 0;   // index of the next write
    this.size = 0;
  }

  push(time, values) {
    if (this.size > 0) {
      const last = (this.head - 1 + this.capacity) % this.capacity;
      if (Math.floor(this.t[last] / BUCKET_MS) === Math.floor(time / BUCKET_MS)) {
        this.write(last, time, values);   // same bucket: replace, so cost does not grow with the update rate
        return;
      }
    }
    if (this.size === this.capacity && this.capacity < SERIES_MAX
        && (this.size === 0 || this.t[this.oldest()] >= time - WINDOW_MS)) {
      this.grow();
    }
    const i = this.head;
    this.head = (this.head + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.write(i, time, values);
  }

  write(i, time, values) {
    this.t[i] = time;
    for (const lane of LANES) this.fields[lane.name][i] = values[lane.name];
  }

  oldest() {
    return (this.head - this.size + this.capacity) % this.capacity;
  }

  grow() {
    const capacity = Math.min(SERIES_MAX, Math.max(SERIES_MIN, this.capacity * 2));
    const start = this.oldest();
    const t = new Float64Array(capacity);
    const fields = {};
    for (const lane of LANES) fields[lane.name] = new Float32Array(capacity);
    for (let k = 0; k < this.size; k++) {
      const i = (start + k) % this.capacity;
      t[k] = this.t[i];
      for (const lane of LANES) fields[lane.name][k] = this.fields[lane.name][i];
    }
    this.t = t;
    this.fields = fields;
    this.capacity = capacity;
    this.head = this.size % capacity;
  }

  /** Calls fn(index) from oldest to newest for samples newer than since. */
  forEachSince(since, fn) {
    const start = this.oldest();
    for (let k = 0; k < this.size; k++) {
      const i = (start + k) % this.capacity;
      if (this.t[i] >= since) fn(i);
    }
  }
}

/** One battery: its latest state as received, numbers derived from it for sorting, and its alarms. */
export class Battery {
  constructor(id) {
    this.id = id;
    this.state = {};
    this.series = new Series();
    this.stale = false;
    this.alarms = 0;
    this.voltage = NaN;
    this.current = NaN;
    this.power = NaN;         // kW
    this.temperature = NaN;   // °C
    this.soc = NaN;
    this.soh = NaN;
    this.latency = NaN;
    this.timestamp = NaN;
  }

  /** Alarmed: past a threshold, or stale. */
  get alarmed() {
    return this.alarms !== 0 || this.stale;
  }

  /** What the badges say, e.g. "temp, SoC"; empty when no threshold is crossed. */
  alarmText() {
    let text = '';
    for (const [bit, name] of ALARM_NAMES) {
      if (this.alarms & bit) text += text ? `, ${name}` : name;
    }
    return text;
  }

  derive(thresholds) {
    const s = this.state;
    this.voltage = num(s.voltage);
    this.current = num(s.current);
    // Volts x amperes is watts; the overview speaks kW.
    this.power = this.voltage * this.current / 1000;
    this.temperature = num(s.temperature) / 10;   // the pipeline sends tenths of a degree C
    this.soc = num(s.state_of_charge);
    this.soh = num(s.state_of_health);
    this.latency = num(s.latency_ms);
    this.timestamp = num(s.timestamp);
    this.evaluate(thresholds);
  }

  evaluate(t) {
    // A missing value (NaN) compares false: no alarm from a field the battery does not report.
    this.alarms = (this.temperature > t.tempAbove ? ALARM_TEMP : 0)
        | (this.soc < t.socBelow ? ALARM_SOC : 0)
        | (this.soh < t.sohBelow ? ALARM_SOH : 0);
  }
}

/** Every battery seen on this page, keyed by id. */
export class Fleet {
  constructor(thresholds) {
    this.batteries = new Map();
    this.all = [];              // every battery, in arrival order
    this.thresholds = { ...thresholds };
    this.version = 0;           // bumped on every change the views may need to show
    this.firstSampleAt = 0;     // performance.now() of the first sample
  }

  get size() {
    return this.batteries.size;
  }

  /** Forgets a battery (the token no longer permits it); returns it, or null when it was not known. */
  remove(id) {
    const b = this.batteries.get(id);
    if (!b) return null;
    this.batteries.delete(id);
    this.all.splice(this.all.indexOf(b), 1);
    this.version++;
    return b;
  }

  /**
   * Applies one battery object of a frame. Returns the battery, or null when the frame is older than what is
   * held (per battery the page never goes back in time; a snapshot always applies).
   */
  apply(id, value, snapshot, now, onNew) {
    let b = this.batteries.get(id);
    if (!b) {
      b = new Battery(id);
      this.batteries.set(id, b);
      this.all.push(b);
      onNew(b);
    }
    const ts = value.timestamp;
    if (!snapshot && typeof ts === 'number' && typeof b.state.timestamp === 'number' && ts < b.state.timestamp) {
      return null;
    }
    // The server marks a silent battery by resending its last state with "stale": true; the next frame
    // without the member (a real update, or a snapshot) clears it.
    const stale = value.stale === true;
    const latency = b.state.latency_ms;
    const received = b.state.ws_timestamp;
    for (const key in value) {
      if (key !== 'stale') b.state[key] = value[key];
    }
    if (stale) {
      // Its latency_ms is the battery's silence, not the pipeline's latency: keep the last real one.
      b.state.latency_ms = latency;
      b.state.ws_timestamp = received;
    }
    b.stale = stale;
    b.derive(this.thresholds);
    if (!stale) {
      if (!this.firstSampleAt) this.firstSampleAt = now;
      b.series.push(now, { voltage: b.voltage, current: b.current, temperature: b.temperature, soc: b.soc });
    }
    this.version++;
    return b;
  }

  setThresholds(thresholds) {
    this.thresholds = { ...thresholds };
    for (const b of this.all) b.evaluate(this.thresholds);
    this.version++;
  }

  /** The fleet overview, in one pass over every battery. */
  overview() {
    let stale = 0;
    let alarms = 0;
    let power = 0;
    let powered = 0;
    let socMin = Infinity;
    let socMax = -Infinity;
    let socSum = 0;
    let socCount = 0;
    let tempMax = -Infinity;
    for (const b of this.all) {
      if (b.stale) stale++;
      if (b.alarmed) alarms++;
      if (!Number.isNaN(b.power)) { power += b.power; powered++; }
      if (!Number.isNaN(b.soc)) {
        if (b.soc < socMin) socMin = b.soc;
        if (b.soc > socMax) socMax = b.soc;
        socSum += b.soc;
        socCount++;
      }
      if (b.temperature > tempMax) tempMax = b.temperature;
    }
    return {
      count: this.all.length,
      stale,
      alarms,
      power: powered ? power : NaN,
      socMin: socCount ? socMin : NaN,
      socMean: socCount ? socSum / socCount : NaN,
      socMax: socCount ? socMax : NaN,
      tempMax: Number.isFinite(tempMax) ? tempMax : NaN,
    };
  }
}
