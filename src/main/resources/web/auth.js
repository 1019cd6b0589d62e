// Sign-in for the dashboard: where its token comes from, where it is kept, and how it stays fresh.
//
// - The token lives in sessionStorage (this tab only, gone when it closes), never in the URL: a URL ends up in
//   proxy logs, browser history and Referer headers.
// - It comes from the sign-in field, from a #token=... fragment (fragments never reach the server; the page
//   removes it from the address bar at once), from an old ?token=... link (moved out of the address bar too), or
//   from the identity provider: a hand-rolled OAuth 2.0 authorization-code flow with PKCE (S256), answered in the
//   fragment, and plain fetch() calls to its token endpoint. Nothing is loaded from a CDN: no keycloak-js.
// - A token from the identity provider is refreshed (refresh_token grant) before it expires, and the new one is
//   sent on the live WebSocket as {"action":"auth","token":...} so the connection stays open.

const STORE = 'wsms.auth';
const PKCE = 'wsms.pkce';
const REFRESH_MARGIN_MS = 30000;   // refresh this long before expiry (or at 3/4 of a shorter lifetime)
const MIN_REFRESH_MS = 2000;

function base64url(bytes) {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The page's address without query and fragment: where the identity provider sends the browser back. */
function pageAddress() {
  return `${location.origin}${location.pathname}`;
}

/** The token's exp (ms since the epoch), read without verifying: only to plan a refresh. */
function expiryOf(token) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

export class Session {
  /** Callbacks: onToken(token) when a new token is in force, onProblem(text) for the banner. */
  constructor({ onToken, onProblem }) {
    this.onToken = onToken;
    this.onProblem = onProblem;
    this.config = null;
    this.refreshTimer = 0;
    this.state = this.load();
  }

  load() {
    try {
      return JSON.parse(sessionStorage.getItem(STORE)) || {};
    } catch {
      return {};
    }
  }

  save(state) {
    this.state = state;
    if (state.token) sessionStorage.setItem(STORE, JSON.stringify(state));
    else sessionStorage.removeItem(STORE);
  }

  /** The access token in force, '' for none. */
  get token() {
    return this.state.token || '';
  }

  /** Whether the token came from the identity provider (and can be refreshed there). */
  get fromProvider() {
    return Boolean(this.state.refresh);
  }

  /**
   * Takes a token out of the address bar, first thing: #token=... (or an old ?token=... link), or the identity
   * provider's answer (#code=...&state=...). The address bar is cleaned at once, before anything else runs.
   */
  takeFromAddress() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const query = new URLSearchParams(location.search);
    let answer = null;
    if (fragment.has('code') || fragment.has('error')) {
      answer = { code: fragment.get('code'), state: fragment.get('state'), error: fragment.get('error') };
    }
    const token = fragment.get('token') || query.get('token');
    if (fragment.has('token') || fragment.has('code') || fragment.has('error') || query.has('token')) {
      query.delete('token');
      const search = query.toString();
      history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
    }
    if (token) this.save({ token: token.trim() });
    return answer;
  }

  /** Uses the server's /dashboard/config; finishes a sign-in in progress and plans the next refresh. */
  async start(config, providerAnswer) {
    this.config = config;
    if (providerAnswer) await this.finishSignIn(providerAnswer);
    this.planRefresh();
  }

  /** Whether the server offers sign-in at an identity provider. */
  get canSignIn() {
    return Boolean(this.config && this.config.auth && this.config.auth.sign_in);
  }

  /** A token typed or pasted into the sign-in field. */
  useToken(token) {
    this.save({ token: token.trim() });
    clearTimeout(this.refreshTimer);
    this.onToken(this.token);
  }

  signOut() {
    clearTimeout(this.refreshTimer);
    this.save({});
  }

  /** Sends the browser to the identity provider (authorization code with PKCE, answer in the fragment). */
  async signIn() {
    const p = this.config.auth.sign_in;
    if (!crypto.subtle) {
      this.onProblem('Sign-in needs a secure page (https, or localhost): the browser offers no PKCE hashing here.');
      return;
    }
    const verifier = randomText(48);
    const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const state = randomText(16);
    sessionStorage.setItem(PKCE, JSON.stringify({ verifier, state, redirect: pageAddress(), search: location.search }));
    const url = new URL(p.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: 'code', response_mode: 'fragment', client_id: p.client_id, redirect_uri: pageAddress(),
      scope: 'openid', state, code_challenge: challenge, code_challenge_method: 'S256',
    }).toString();
    location.assign(url.toString());
  }

  async finishSignIn({ code, state, error }) {
    let pending = null;
    try {
      pending = JSON.parse(sessionStorage.getItem(PKCE));
    } catch {
      pending = null;
    }
    sessionStorage.removeItem(PKCE);
    if (pending && pending.search) history.replaceState(history.state, '', `${location.pathname}${pending.search}`);
    if (error) {
      this.onProblem(`Sign-in failed at the identity provider (${error}).`);
      return;
    }
    if (!pending || pending.state !== state || !this.canSignIn) {
      this.onProblem('Sign-in answer not recognised (state mismatch): sign in again.');
      return;
    }
    await this.tokenRequest({
      grant_type: 'authorization_code', code, redirect_uri: pending.redirect, code_verifier: pending.verifier,
    });
  }

  async refresh() {
    if (!this.state.refresh || !this.canSignIn) return;
    await this.tokenRequest({ grant_type: 'refresh_token', refresh_token: this.state.refresh });
  }

  async tokenRequest(form) {
    const p = this.config.auth.sign_in;
    try {
      const response = await fetch(p.token_endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: p.client_id, ...form }).toString(),
      });
      const body = await response.json();
      if (!response.ok || !body.access_token) {
        this.onProblem(`The identity provider refused (${body.error || response.status}): sign in again.`);
        if (form.grant_type === 'refresh_token') this.save({});
        return;
      }
      this.save({ token: body.access_token, refresh: body.refresh_token || this.state.refresh || '' });
      this.planRefresh();
      this.onToken(this.token);
    } catch (e) {
      this.onProblem(`The identity provider cannot be reached (${e.message}); retrying.`);
      clearTimeout(this.refreshTimer);
      this.refreshTimer = setTimeout(() => this.refresh(), 10000);
    }
  }

  planRefresh() {
    clearTimeout(this.refreshTimer);
    if (!this.fromProvider) return;
    const exp = expiryOf(this.token);
    if (!exp) return;
    const left = exp - Date.now();
    const lead = Math.min(REFRESH_MARGIN_MS, left / 4);
    this.refreshTimer = setTimeout(() => this.refresh(), Math.max(MIN_REFRESH_MS, left - lead));
  }
}
