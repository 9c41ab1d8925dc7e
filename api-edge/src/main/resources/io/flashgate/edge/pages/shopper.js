// The shopper page (docs/HTTP-API.md, "Pages"): one sale, a countdown on the server's clock, the stock left, a buy
// button, the answer in words and the shopper's orders. One purchase is in flight at a time, under one
// Idempotency-Key that every retry reuses, so neither a double click nor a retry can make a second order.
'use strict';

(() => {
  const F = window.Flashgate;
  const $ = id => document.getElementById(id);
  const TOKEN_KEY = 'flashgate.shopper.token';
  const POLL_MILLIS = 1000;
  const MAX_UNKNOWN_RETRIES = 5;
  const MAX_BUSY_RETRIES = 5;

  const STATUS_WORDS = {
    SCHEDULED: 'Opens soon', OPEN: 'On sale now', PAUSED: 'Paused', SOLD_OUT: 'Sold out', ENDED: 'Ended',
  };

  /** What each answer means to a shopper. */
  const ANSWER_WORDS = {
    SOLD_OUT: () => 'Sold out: not enough items are left for that.',
    LIMIT_EXCEEDED: () => `You already hold the most this sale allows per person (${sale ? sale.limitPerUser : '?'}).`,
    NOT_STARTED: () => 'The sale has not started yet: wait for the countdown.',
    SALE_PAUSED: () => 'The sale is paused for a moment. Try again shortly.',
    SALE_ENDED: () => 'The sale has ended.',
    UNKNOWN_SALE: () => 'There is no such sale.',
    BLOCKED: () => 'This account cannot buy here. Contact the shop if you think this is a mistake.',
    UNAUTHENTICATED: () => 'Your token was refused (expired or wrong): sign in again.',
    FORBIDDEN: () => 'This token may not buy.',
    BAD_REQUEST: () => `Choose between 1 and ${sale ? sale.limitPerUser : 'the limit'} items.`,
    DRAW_SALE: () => 'This sale is a draw: enter it instead of buying.',
    TOO_MANY_ACCOUNTS_FROM_ADDRESS: () => 'Too many accounts have bought from your network in this sale.',
    ORDER_NOT_CANCELLABLE: () => 'This order can no longer be cancelled.',
    UNKNOWN_ORDER: () => 'That order is not yours, or does not exist.',
  };

  const saleId = new URLSearchParams(location.search).get('sale');
  const clock = F.serverClock();
  let token = F.takeTokenFromFragment(TOKEN_KEY);
  let sale = null;          // the latest public status
  let saleError = null;     // why there is none
  let attempt = null;       // the purchase in flight: {key, quantity, unknownTries, busyTries}
  let unresolved = null;    // a purchase whose outcome stayed unknown: the next Buy reuses its key
  let waitUntil = 0;        // Retry-After: no purchase is sent before this (server clock)
  let orders = [];

  function ordersKey() {
    return 'flashgate.orders.' + (F.subject(token) || '') + '.' + saleId;
  }

  function loadOrders() {
    orders = token ? JSON.parse(sessionStorage.getItem(ordersKey()) || '[]') : [];
  }

  function saveOrder(order) {
    const i = orders.findIndex(o => o.orderId === order.orderId);
    if (i >= 0) {
      orders[i] = order;
    } else {
      orders.unshift(order);
    }
    sessionStorage.setItem(ordersKey(), JSON.stringify(orders));
    renderOrders();
  }

  /** The status now, with the start and the end applied from the server's clock, as the edge does. */
  function statusNow() {
    if (!sale) {
      return null;
    }
    const now = clock.now();
    if (sale.status === 'ENDED' || now >= Date.parse(sale.endsAt)) {
      return 'ENDED';
    }
    if (now < Date.parse(sale.startsAt)) {
      return 'SCHEDULED';
    }
    if (sale.status === 'SCHEDULED') {
      return sale.remaining > 0 ? 'OPEN' : 'SOLD_OUT';
    }
    return sale.status;
  }

  async function poll() {
    const r = await F.call('GET', '/api/sales/' + encodeURIComponent(saleId));
    if (r.status === 200 && r.json) {
      clock.sample(Date.parse(r.json.serverTime), r.sentAt, r.receivedAt);
      sale = r.json;
      if (sale.mode === 'DRAW' && F.draw) {
        F.draw.poll({sale, token});
      }
      saleError = null;
    } else if (r.status === 404) {
      sale = null;
      saleError = 'There is no sale called "' + saleId + '".';
    } else if (r.status !== 0 && r.status !== 304) {
      saleError = sale ? null : 'The sale cannot be shown right now; trying again.';
    }
    render();
  }

  function countdownText(millis) {
    const total = Math.ceil(millis / 1000);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const two = n => String(n).padStart(2, '0');
    return 'Opens in ' + (h > 0 ? h + ':' + two(m) : String(m)) + ':' + two(s);
  }

  function render() {
    if (saleError && !sale) {
      $('sale-name').textContent = saleError;
      $('sale').hidden = true;
      return;
    }
    if (!sale) {
      return;
    }
    $('sale').hidden = false;
    const status = statusNow();
    $('sale-name').textContent = sale.saleId;
    $('sale-status').textContent = STATUS_WORDS[status] || status;
    $('sale-status').dataset.status = status;
    $('remaining').textContent = status === 'SOLD_OUT' ? '' : sale.remaining + ' left';
    $('remaining').dataset.remaining = sale.remaining;
    $('quantity').max = sale.limitPerUser;
    $('times').textContent = 'Up to ' + sale.limitPerUser + ' per person. Ends at ' + localTime(sale.endsAt) + '.';
    const untilStart = Date.parse(sale.startsAt) - clock.now();
    $('countdown').textContent = status === 'SCHEDULED' ? countdownText(untilStart) : '';
    const isDraw = sale.mode === 'DRAW';
    $('buy-card').hidden = isDraw;
    if (isDraw && F.draw) {
      F.draw.render({sale, status, token, clock, say, saveOrder, localTime, itemsText});
    }

    $('signin').hidden = !!token;
    $('signed-in').hidden = !token;
    $('user-name').textContent = token ? (F.subject(token) || 'shopper') : '';

    const waiting = clock.now() < waitUntil;
    const buy = $('buy');
    buy.disabled = !token || status !== 'OPEN' || attempt !== null || waiting;
    buy.textContent = attempt ? 'Buying…' : 'Buy';
    $('buy-hint').textContent = !token ? 'Sign in to buy.' : status === 'SCHEDULED' ? 'Buying opens when the countdown ends.' :
      waiting ? 'Please wait ' + Math.ceil((waitUntil - clock.now()) / 1000) + ' s.' : '';
  }

  function say(code, text) {
    $('answer').textContent = text;
    $('answer').dataset.code = code;
  }

  function buy() {
    // the button is disabled while a purchase is in flight; this check also stops a second click of the same event
    if (attempt !== null || !token) {
      return;
    }
    const quantity = Number($('quantity').value);
    if (!Number.isInteger(quantity) || quantity < 1 || (sale && quantity > sale.limitPerUser)) {
      say('BAD_REQUEST', ANSWER_WORDS.BAD_REQUEST());
      return;
    }
    // the outcome of an earlier try is unknown: asking again under its key cannot buy twice
    const key = unresolved && unresolved.quantity === quantity ? unresolved.key : F.newKey();
    attempt = {key, quantity, unknownTries: 0, busyTries: 0};
    say('SENDING', 'Sending your order…');
    render();
    send(attempt);
  }

  async function send(a) {
    const r = await F.call('POST', '/api/sales/' + encodeURIComponent(saleId) + '/purchases',
      {token, body: {quantity: a.quantity}, headers: {'Idempotency-Key': a.key}});
    if (r.status === 201 || r.status === 200) {
      attempt = null;
      unresolved = null;
      saveOrder(r.json);
      say('CREATED', 'You got it! ' + itemsText(r.json.quantity) + ' reserved for you until ' +
        localTime(r.json.expiresAt) + ' (order ' + r.json.orderId + '). Pay before then to keep it.');
    } else if (r.status === 504 || r.status === 0) {
      // the order may exist: ask again with the same key, which returns it if it does
      if (a.unknownTries++ < MAX_UNKNOWN_RETRIES) {
        say('RESULT_UNKNOWN', 'No answer yet: asking again (this cannot buy twice)…');
        setTimeout(() => send(a), 500 * a.unknownTries);
        return;
      }
      attempt = null;
      unresolved = {key: a.key, quantity: a.quantity};
      say('RESULT_UNKNOWN', 'Still no answer from the shop. Press Buy to ask again: it cannot buy twice.');
    } else if (r.status === 429 || r.status === 503) {
      const seconds = Math.max(1, r.retryAfter);
      waitUntil = clock.now() + seconds * 1000;
      const why = r.status === 429 ? 'Too many tries at once.' : 'The shop is very busy.';
      if (a.busyTries++ < MAX_BUSY_RETRIES) {
        say(r.code || String(r.status), why + ' Trying again in ' + seconds + ' s…');
        setTimeout(() => send(a), seconds * 1000);
        return;
      }
      attempt = null;
      unresolved = {key: a.key, quantity: a.quantity};
      say(r.code || String(r.status), why + ' Please try again in a little while.');
    } else {
      attempt = null;
      unresolved = null;
      const words = ANSWER_WORDS[r.code];
      say(r.code || String(r.status), words ? words() : 'Something went wrong (' + (r.code || r.status) + ').');
      if (r.code === 'UNAUTHENTICATED') {
        signOut(false);
      }
    }
    render();
    poll();
  }

  /** A moment of the server's clock, shown on the shopper's own clock (which may be off). */
  function localTime(serverIso) {
    return F.clockTime(Date.parse(serverIso) - clock.now() + Date.now());
  }

  function itemsText(n) {
    return n === 1 ? '1 item' : n + ' items';
  }

  const ORDER_WORDS = {
    RESERVED: 'Reserved', CONFIRMED: 'Paid', CANCELLED: 'Cancelled', EXPIRED: 'Expired (not paid in time)',
  };

  function renderOrders() {
    const list = $('orders');
    list.replaceChildren();
    $('orders-section').hidden = orders.length === 0;
    for (const order of orders) {
      const item = F.element('li', {'class': 'order card', 'data-order-id': order.orderId});
      item.append(F.element('span', {'class': 'order-title'}, 'Order ' + order.orderId + ': ' + itemsText(order.quantity)));
      const status = F.element('span', {'class': 'order-status', 'data-status': order.status},
        ORDER_WORDS[order.status] || order.status);
      item.append(status);
      if (order.status === 'RESERVED') {
        item.append(F.element('span', {'class': 'muted'}, 'until ' + localTime(order.expiresAt)));
        const cancel = F.element('button', {'type': 'button', 'class': 'cancel'}, 'Cancel');
        cancel.addEventListener('click', () => cancelOrder(order, cancel));
        item.append(cancel);
      }
      list.append(item);
    }
  }

  async function cancelOrder(order, button) {
    button.disabled = true;
    const r = await F.call('POST', '/api/orders/' + encodeURIComponent(order.orderId) + '/cancel', {token});
    if (r.status === 200) {
      saveOrder(r.json);
      say('CANCELLED', 'Order ' + order.orderId + ' is cancelled; its items went back on sale.');
      poll();
    } else {
      button.disabled = false;
      const words = ANSWER_WORDS[r.code];
      say(r.code || String(r.status), words ? words() : 'The order could not be cancelled (' + (r.code || r.status) + ').');
      refreshOrder(order);
    }
  }

  async function refreshOrder(order) {
    const r = await F.call('GET', '/api/orders/' + encodeURIComponent(order.orderId), {token});
    if (r.status === 200) {
      saveOrder(r.json);
    }
  }

  function signIn() {
    const value = $('token-input').value.trim();
    if (!value) {
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    token = value;
    $('token-input').value = '';
    loadOrders();
    renderOrders();
    orders.forEach(refreshOrder);
    render();
  }

  function signOut(clearAnswer = true) {
    sessionStorage.removeItem(TOKEN_KEY);
    token = null;
    orders = [];
    renderOrders();
    if (clearAnswer) {
      say('', '');
    }
    render();
  }

  function start() {
    if (!saleId) {
      $('sale-name').textContent = 'Flashgate';
      $('no-sale').hidden = false;
      $('choose-sale').addEventListener('submit', e => {
        e.preventDefault();
        location.search = '?sale=' + encodeURIComponent($('choose-sale-id').value.trim());
      });
      return;
    }
    $('buy').addEventListener('click', buy);
    $('signin-button').addEventListener('click', signIn);
    $('token-input').addEventListener('keydown', e => {
      if (e.key === 'Enter') {
        signIn();
      }
    });
    $('signout').addEventListener('click', () => signOut());
    loadOrders();
    renderOrders();
    orders.forEach(refreshOrder);
    poll();
    setInterval(poll, POLL_MILLIS);
    // the countdown and the button follow the server's clock between polls; a poll follows the opening at once
    let wasScheduled = false;
    setInterval(() => {
      const scheduled = statusNow() === 'SCHEDULED';
      if (wasScheduled && !scheduled) {
        poll();
      }
      wasScheduled = scheduled;
      render();
    }, 100);
  }

  start();
})();
