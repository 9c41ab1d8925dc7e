// What the shopper page and the operator console share: the token (from the URL fragment or a sign-in field, kept in
// this tab's sessionStorage, never put in a URL), calls to the edge's JSON routes, and the server's clock.
'use strict';

window.Flashgate = (() => {
  /** Takes `#token=...` out of the address bar into storage: a fragment never reaches the server, and once moved it
   *  is not left in the history, a bookmark or a screenshot. */
  function takeTokenFromFragment(storageKey) {
    const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
    const token = fragment.get('token');
    if (token) {
      sessionStorage.setItem(storageKey, token.trim());
      history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem(storageKey);
  }

  /** The token's `sub` (who is signed in), read for display only: the edge checks the signature. */
  function subject(token) {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(payload)).sub || null;
    } catch (e) {
      return null;
    }
  }

  /** One call to the edge. Never throws: a network failure is status 0 (the answer is unknown). */
  async function call(method, path, options = {}) {
    const headers = Object.assign({}, options.headers || {});
    if (options.token) {
      headers['Authorization'] = 'Bearer ' + options.token;
    }
    let body;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const sentAt = Date.now();
    try {
      const response = await fetch(path, {method, headers, body, cache: 'no-store', credentials: 'omit'});
      const text = await response.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch (e) {
        json = null;
      }
      return {
        status: response.status,
        json,
        code: json && json.error ? json.error : null,
        retryAfter: Number(response.headers.get('Retry-After')) || 0,
        date: response.headers.get('Date'),
        sentAt,
        receivedAt: Date.now(),
      };
    } catch (e) {
      return {status: 0, json: null, code: 'NETWORK', retryAfter: 0, date: null, sentAt, receivedAt: Date.now()};
    }
  }

  /** A fresh Idempotency-Key: one per purchase the shopper means, reused by every retry of it. */
  function newKey() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return 'pg-' + Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('');
  }

  /**
   * The server's clock as seen from here: each reading is (server time, local send and receive time); the reading
   * with the shortest round trip among the last few gives the offset (as NTP does), so the browser's own clock,
   * right or wrong, never decides when a sale opens.
   */
  function serverClock() {
    const samples = [];
    let offset = 0;
    return {
      sample(serverMillis, sentAt, receivedAt) {
        if (!Number.isFinite(serverMillis)) {
          return;
        }
        samples.push({rtt: receivedAt - sentAt, offset: serverMillis - (sentAt + receivedAt) / 2});
        if (samples.length > 10) {
          samples.shift();
        }
        offset = samples.reduce((best, s) => (s.rtt < best.rtt ? s : best)).offset;
      },
      now() {
        return Date.now() + offset;
      },
      known() {
        return samples.length > 0;
      },
    };
  }

  function element(tag, attributes = {}, text) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      e.setAttribute(name, value);
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function clockTime(millis) {
    return new Date(millis).toLocaleTimeString([], {hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'});
  }

  return {takeTokenFromFragment, subject, call, newKey, serverClock, element, clockTime};
})();
