// The shopper page's draw mode (docs/DRAW.md): the window's countdown, one entry per shopper ("you're in"), then the
// result: won (with the order), waiting (with a place on the waiting list) or not selected. shopper.js polls the sale
// and calls render and poll here for a DRAW sale. An entry is sent under one Idempotency-Key that its retries reuse,
// and the engine keeps one entry per user, so a double click or a retry cannot enter twice.
'use strict';

(() => {
  const F = window.Flashgate;
  const $ = id => document.getElementById(id);
  const RESULT_POLL_MILLIS = 2000;
  const MAX_UNKNOWN_RETRIES = 5;

  const REFUSALS = {
    NOT_STARTED: 'Entries are not open yet: wait for the countdown.',
    SALE_ENDED: 'Entries are closed.',
    SALE_PAUSED: 'Entries are paused for a moment. Try again shortly.',
    SOLD_OUT: 'There is nothing to draw in this sale.',
    TOO_MANY_ACCOUNTS_FROM_ADDRESS: 'Too many accounts have entered from your network in this sale.',
    ENTRY_NOT_WITHDRAWABLE: 'Entries are closed: the entry stays in the draw.',
    BAD_REQUEST: 'Choose how many, between 1 and the limit per person.',
    UNAUTHENTICATED: 'Your token was refused (expired or wrong): sign in again.',
    BLOCKED: 'This account cannot enter here.',
  };

  let view = null;          // what shopper.js last gave: {sale, status, token, clock, say, saveOrder, ...}
  let entry = null;         // the shopper's entry as the edge last answered, or null (none)
  let entryKnown = false;   // asked at least once for this token
  let askedFor = null;      // the token entry belongs to
  let sending = null;       // the entry in flight: {key, quantity, tries}
  let lastAsked = 0;
  let record = null;        // the public record, once drawn

  async function ask(token) {
    lastAsked = Date.now();
    const r = await F.call('GET', '/api/sales/' + encodeURIComponent(view.sale.saleId) + '/entries/me', {token});
    if (token !== (view && view.token)) {
      return;
    }
    if (r.status === 200) {
      entry = r.json;
      entryKnown = true;
      if (entry.order) {
        view.saveOrder(entry.order);
      }
    } else if (r.status === 404) {
      entry = null;
      entryKnown = true;
    }
    show();
  }

  /** Called on each poll of the sale: learns the entry once, then follows the result after the window closes. */
  function poll(state) {
    if (!view) {
      return;
    }
    if (state.token !== askedFor) {
      askedFor = state.token;
      entry = null;
      entryKnown = false;
      if (state.token) {
        ask(state.token);
      }
      return;
    }
    const settled = entry && (entry.status === 'NOT_SELECTED' || (entry.status === 'WON' && entry.order &&
      entry.order.status !== 'RESERVED'));
    const closed = state.sale.status === 'ENDED';
    if (state.token && entry && closed && !settled && Date.now() - lastAsked >= RESULT_POLL_MILLIS) {
      ask(state.token);
    }
    if (state.sale.drawn && !record) {
      readRecord();
    }
  }

  async function readRecord() {
    const r = await F.call('GET', '/api/sales/' + encodeURIComponent(view.sale.saleId) + '/draw');
    if (r.status === 200) {
      record = r.json;
      show();
    }
  }

  function countdownText(prefix, millis) {
    const total = Math.max(0, Math.ceil(millis / 1000));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    const two = n => String(n).padStart(2, '0');
    return prefix + (h > 0 ? h + ':' + two(m) : String(m)) + ':' + two(s);
  }

  function render(state) {
    const first = view === null;
    view = state;
    $('draw').hidden = false;
    const open = state.status === 'OPEN';
    const untilStart = Date.parse(state.sale.startsAt) - state.clock.now();
    const untilEnd = Date.parse(state.sale.endsAt) - state.clock.now();
    $('countdown').textContent = state.status === 'SCHEDULED' ? countdownText('Entries open in ', untilStart) :
      open || state.status === 'PAUSED' ? countdownText('Entries close in ', untilEnd) : '';
    $('remaining').textContent = state.sale.entries + (state.sale.entries === 1 ? ' entry' : ' entries') +
      (state.sale.drawn ? ', drawn' : ' for ' + view.itemsText(state.sale.remaining));
    $('entry-quantity').max = state.sale.limitPerUser;
    if (state.status === 'OPEN' || state.sale.drawn) {
      $('sale-status').textContent = state.sale.drawn ? 'Drawn' : 'Entries open';
    }
    if (first) {
      poll(state);
    }
    show();
  }

  function show() {
    if (!view) {
      return;
    }
    const token = view.token;
    const open = view.status === 'OPEN';
    const line = $('entry-status');
    let state = '';
    let text;
    if (!token) {
      text = 'Sign in to enter the draw.';
    } else if (!entryKnown) {
      text = 'Looking for your entry…';
    } else if (!entry) {
      text = open ? 'Enter the draw: one entry per person; the draw is after the entries close at ' +
        view.localTime(view.sale.endsAt) + '.' : view.status === 'SCHEDULED' ?
        'Entries open when the countdown ends.' : 'Entries are closed.';
    } else {
      state = entry.status;
      text = entryText(entry);
    }
    line.textContent = text;
    line.dataset.state = state;
    $('enter-row').hidden = !!entry;
    $('enter').disabled = !token || !open || !entryKnown || !!entry || sending !== null;
    $('enter').textContent = sending ? 'Entering…' : 'Enter the draw';
    $('withdraw').hidden = !(entry && entry.status === 'ENTERED' && open);
    $('draw-record').textContent = record ? 'Drawn with seed ' + record.seed + ' among ' + record.entries +
      ' entries (' + record.algorithm.name + ' v' + record.algorithm.version + '); anyone can check it.' : '';
  }

  function entryText(e) {
    switch (e.status) {
      case 'ENTERED':
        return view.status === 'ENDED' ? 'You\'re in. Entries are closed: waiting for the draw…' :
          'You\'re in! ' + view.itemsText(e.quantity) + ' asked for; the draw is after ' +
          view.localTime(view.sale.endsAt) + '.';
      case 'WON':
        return e.order.status === 'RESERVED' ? 'You won! ' + view.itemsText(e.order.quantity) +
          ' reserved for you until ' + view.localTime(e.order.expiresAt) + ' (order ' + e.order.orderId +
          '). Pay before then to keep it.' : 'You won (order ' + e.order.orderId + ', ' +
          e.order.status.toLowerCase() + ').';
      case 'WAITING':
        return 'Not drawn yet: you are number ' + e.position + ' on the waiting list. If a winner does not pay, ' +
          'their items come to the next in line.';
      case 'NOT_SELECTED':
        return 'Sorry, you were not selected in this draw.';
      default:
        return e.status;
    }
  }

  function enter() {
    if (sending !== null || !view || !view.token) {
      return;
    }
    const quantity = Number($('entry-quantity').value);
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > view.sale.limitPerUser) {
      view.say('BAD_REQUEST', REFUSALS.BAD_REQUEST);
      return;
    }
    sending = {key: F.newKey(), quantity, tries: 0};
    show();
    send(sending);
  }

  async function send(s) {
    const token = view.token;
    const r = await F.call('POST', '/api/sales/' + encodeURIComponent(view.sale.saleId) + '/entries',
      {token, body: {quantity: s.quantity}, headers: {'Idempotency-Key': s.key}});
    if (r.status === 201 || r.status === 200) {
      sending = null;
      entry = r.json;
      entryKnown = true;
      view.say('ENTERED', '');
    } else if ((r.status === 504 || r.status === 0 || r.status === 503 ||
      (r.status === 429 && r.code === 'RATE_LIMITED')) && s.tries++ < MAX_UNKNOWN_RETRIES) {
      // the entry may exist: asking again cannot enter twice (one entry per person)
      setTimeout(() => send(s), Math.max(500 * s.tries, 1000 * (r.retryAfter || 0)));
      return;
    } else {
      sending = null;
      view.say(r.code || String(r.status), REFUSALS[r.code] || 'Something went wrong (' + (r.code || r.status) + ').');
    }
    show();
  }

  async function withdraw() {
    const r = await F.call('DELETE', '/api/sales/' + encodeURIComponent(view.sale.saleId) + '/entries/me',
      {token: view.token});
    if (r.status === 200) {
      entry = null;
      view.say('WITHDRAWN', 'Your entry is withdrawn. You can enter again while the window is open.');
    } else {
      view.say(r.code || String(r.status), REFUSALS[r.code] || 'The entry could not be withdrawn.');
    }
    show();
  }

  $('enter').addEventListener('click', enter);
  $('withdraw').addEventListener('click', withdraw);
  F.draw = {render, poll};
})();
