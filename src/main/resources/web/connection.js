// The page's WebSocket: connect, reconnect with exponential backoff, and explain refusals and closes.

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30000;
const STABLE_CONNECTION_MS = 10000;  // a connection that lived this long resets the backoff

export function describeError(error) {
  const code = error.code ? String(error.code) : 'error';
  const message = error.message ? String(error.message) : 'The server reported an error.';
  return `${code}: ${message}`;
}

/**
 * Keeps one WebSocket open to the page's server. Callbacks: onOpen(), onText(text), onStatus(state, text, title),
 * onProblem(text) (a message about the connection, shown until it is back). token() gives the access token in
 * force ('' for none); it travels as the subprotocol pair "bearer, <token>", never in the URL.
 */
export class Connection {
  constructor(query, { onOpen, onText, onStatus, onProblem, token }) {
    this.query = query;
    this.token = token || (() => '');
    this.onOpen = onOpen;
    this.onText = onText;
    this.onStatus = onStatus;
    this.onProblem = onProblem;
    this.socket = null;
    this.attempt = 0;
    this.openedAt = 0;
    this.retryTimer = 0;
    this.countdownTimer = 0;
  }

  endpoint(scheme) {
    // Relative to the page, so the dashboard also works behind a path prefix.
    const url = new URL('ws', location.href);
    url.protocol = scheme;
    url.search = this.query;
    url.hash = '';
    return url.toString();
  }

  /** Reconnects now if it is waiting to retry (the user clicked, or the network came back). */
  retryNow() {
    if (!this.socket && this.retryTimer) this.connect();
  }

  connect() {
    clearTimeout(this.retryTimer);
    clearInterval(this.countdownTimer);
    this.retryTimer = 0;
    this.onStatus('connecting', this.attempt ? `Reconnecting (try ${this.attempt + 1})…` : 'Connecting…');
    this.openedAt = 0;
    let ws;
    const token = this.token();
    try {
      ws = new WebSocket(this.endpoint(location.protocol === 'https:' ? 'wss:' : 'ws:'), token ? ['bearer', token] : []);
    } catch (e) {
      this.onProblem(`Cannot open the WebSocket: ${e.message}`);
      this.scheduleReconnect();
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      this.openedAt = performance.now();
      this.onStatus('live', 'Live');
      this.onOpen();
    };
    ws.onmessage = (ev) => { if (typeof ev.data === 'string') this.onText(ev.data); };
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      const wasOpen = this.openedAt > 0;
      if (wasOpen && performance.now() - this.openedAt >= STABLE_CONNECTION_MS) this.attempt = 0;
      if (wasOpen) {
        const why = closeReason(ev);
        if (why) this.onProblem(why);
      } else {
        this.diagnoseRefusal();
      }
      this.scheduleReconnect();
    };
  }

  /** A fresh token for the open connection: it replaces the one the connection was opened with. */
  sendAuth(token) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ action: 'auth', token }));
    }
  }

  /** Closes the connection now and opens it again (a new token that cannot be sent on the old one). */
  reconnect() {
    const old = this.socket;
    this.socket = null;
    if (old) old.close(1000, 'reconnecting');
    this.attempt = 0;
    this.connect();
  }

  // A refused upgrade is invisible to the WebSocket API (always code 1006), but the same URL over
  // plain HTTP usually answers with the server's JSON error (401 bad token, 403 origin, 503 Redis down).
  diagnoseRefusal() {
    const token = this.token();
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    fetch(this.endpoint(location.protocol), { cache: 'no-store', headers })
      .then((r) => (r.ok ? null : r.json()))
      .then((body) => {
        if (body && body.error && typeof body.error === 'object') this.onProblem(describeError(body.error));
      })
      .catch(() => { /* server unreachable: the indicator shows it */ });
  }

  scheduleReconnect() {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);   // exponential backoff, "equal jitter"
    this.attempt++;
    const due = performance.now() + delay;
    const tick = () => {
      const left = Math.max(0, Math.ceil((due - performance.now()) / 1000));
      this.onStatus('waiting', `Offline · retry in ${left}s`, 'Click to reconnect now');
    };
    tick();
    this.countdownTimer = setInterval(tick, 1000);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}

function closeReason(ev) {
  const reason = ev.reason ? `: ${ev.reason}` : '';
  switch (ev.code) {
    case 1000: return '';
    case 1001: return `The server is going away (1001${reason}). Reconnecting…`;
    case 1006: return '';   // network drop: the connection indicator already says so
    case 1008: return ev.reason === 'token expired'
      ? 'Your sign-in has expired: sign in again (or paste a fresh token).'
      : `The server closed the connection (policy, 1008${reason}).`;
    case 1011: return `The server hit an error (1011${reason}). Reconnecting…`;
    default: return `Connection closed (${ev.code}${reason}).`;
  }
}
