// The operator console (docs/HTTP-API.md, "Pages"): the operator routes behind an admin token, the list of every
// sale (GET /admin/sales) to pick one from, and a live view of one sale read once a second from
// GET /admin/sales/{id}/stats (the engine's figures), GET /admin/sales/{id}/traffic (this edge's answers by outcome,
// and latency) and GET /admin/engine (role, epoch, standby).
'use strict';

(() => {
  const F = window.Flashgate;
  const $ = id => document.getElementById(id);
  const TOKEN_KEY = 'flashgate.admin.token';
  const WATCH_KEY = 'flashgate.console.sale';
  const POINTS = 120;
  /** The list asks the engine about every sale: often enough to see new ones, far less often than the live view. */
  const LIST_EVERY_MS = 10_000;
  const ACCEPTED = 'CREATED';
  /** Answers that are neither an acceptance nor a refusal: a retry's original order. */
  const NEUTRAL = new Set(['REPLAYED']);
  const COLOURS = ['#b91c1c', '#a16207', '#7c3aed', '#0369a1', '#be185d', '#4d7c0f', '#334155', '#c2410c', '#0f766e'];

  let token = F.takeTokenFromFragment(TOKEN_KEY);
  let watched = new URLSearchParams(location.search).get('sale') || sessionStorage.getItem(WATCH_KEY);
  let previous = null;   // the last traffic reading: {at, outcomes}
  let serverOffset = 0;  // from the Date header: enough for "opens in N seconds"
  let charts = null;
  let polling = false;
  let listing = false;

  function say(code, text) {
    $('console-answer').textContent = text;
    $('console-answer').dataset.code = code;
  }

  function answerText(r, success) {
    if (r.status >= 200 && r.status < 300) {
      return success;
    }
    if (r.status === 0) {
      return 'The edge did not answer.';
    }
    const message = r.json && r.json.message ? ': ' + r.json.message : '';
    return (r.code || 'HTTP ' + r.status) + message;
  }

  async function admin(method, path, body) {
    const r = await F.call(method, path, {token, body});
    if (r.date) {
      serverOffset = Date.parse(r.date) + 500 - (r.sentAt + r.receivedAt) / 2;
    }
    if (r.status === 401 || r.status === 403) {
      $('live-error').textContent = 'the admin token was refused (' + r.code + ')';
    }
    return r;
  }

  function renderSignIn() {
    $('signin').hidden = !!token;
    $('signed-in').hidden = !token;
    $('admin-name').textContent = token ? (F.subject(token) || 'operator') : '';
  }

  // ---- actions

  async function createSale(e) {
    e.preventDefault();
    const saleId = $('new-sale-id').value.trim();
    const startsAt = Date.now() + serverOffset + Number($('new-opens-in').value || 0) * 1000;
    const endsAt = startsAt + Number($('new-duration').value || 60) * 60_000;
    const r = await admin('POST', '/admin/sales', {
      saleId,
      stock: Number($('new-stock').value),
      limitPerUser: Number($('new-limit').value),
      startsAt: new Date(startsAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      endsAt: new Date(endsAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      reservationTtlSeconds: Number($('new-ttl').value),
    });
    say(r.code || 'CREATED', answerText(r, 'Sale ' + saleId + ' created.'));
    if (r.status === 201) {
      watch(saleId);
    }
    listSales();
  }

  async function saleAction(action, words) {
    if (!watched) {
      say('NO_SALE', 'Watch a sale first.');
      return;
    }
    const r = await admin('POST', '/admin/sales/' + encodeURIComponent(watched) + '/' + action);
    say(r.code || action.toUpperCase(), answerText(r, 'Sale ' + watched + ' ' + words + '.'));
    poll();
    listSales();
  }

  async function adjustStock(e) {
    e.preventDefault();
    const delta = Number($('stock-delta').value);
    if (!watched || !Number.isInteger(delta) || delta === 0) {
      say('BAD_REQUEST', 'Give a whole number other than 0, and watch a sale first.');
      return;
    }
    const r = await admin('POST', '/admin/sales/' + encodeURIComponent(watched) + '/stock', {delta});
    say(r.code || 'STOCK', answerText(r, 'Stock of ' + watched + ' ' + (delta > 0 ? 'raised' : 'lowered') + ' by ' +
      Math.abs(delta) + '.'));
    poll();
    listSales();
  }

  async function block(e) {
    e.preventDefault();
    const list = id => $(id).value.split(',').map(s => s.trim()).filter(s => s.length > 0);
    const users = list('block-users');
    const ips = list('block-ips');
    const r = await admin('POST', '/admin/blocklist', {users, ips});
    say(r.code || 'BLOCKED', answerText(r, 'Blocked ' + users.length + ' user(s) and ' + ips.length +
      ' IP(s) on this edge' + (r.json && r.json.users !== undefined ? ' (now ' + r.json.users + ' users, ' +
      r.json.ips + ' IPs in all)' : '') + '.'));
  }

  // ---- the list of sales: an operator need not know a sale's id, nor have created it in this browser

  async function listSales() {
    if (!token || listing) {
      return;
    }
    listing = true;
    try {
      const r = await admin('GET', '/admin/sales');
      if (r.status === 200) {
        $('sales-error').textContent = '';
        renderSales(r.json.sales);
      } else {
        $('sales-error').textContent = answerText(r, '');
      }
    } finally {
      listing = false;
    }
  }

  function cell(content) {
    const td = F.element('td');
    td.append(content);
    return td;
  }

  function dateTime(iso) {
    return new Date(iso).toLocaleString([], {month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
      second: '2-digit', hourCycle: 'h23'});
  }

  function renderSales(sales) {
    const rows = $('sales-rows');
    rows.replaceChildren();
    // newest first: the sale an operator looks for is most often the latest created
    for (const s of [...sales].reverse()) {
      const pick = F.element('button', {type: 'button', class: 'link', 'data-sale': s.saleId}, s.saleId);
      pick.addEventListener('click', () => watch(s.saleId));
      const row = F.element('tr', {'data-sale': s.saleId, 'data-status': s.status});
      row.append(cell(pick), cell(F.element('span', {class: 'badge', 'data-status': s.status}, s.status)),
        cell(number(s.remaining) + ' / ' + number(s.stock)), cell(number(s.reserved)), cell(number(s.confirmed)),
        cell(number(s.buyers)), cell(dateTime(s.startsAt)), cell(dateTime(s.endsAt)));
      rows.append(row);
    }
    markWatched();
    $('sales-none').hidden = sales.length > 0;
    $('sales').hidden = sales.length === 0;
  }

  function markWatched() {
    for (const row of $('sales-rows').children) {
      row.classList.toggle('watched', row.dataset.sale === watched);
    }
  }

  // ---- live view

  function watch(saleId) {
    watched = saleId || null;
    previous = null;
    if (watched) {
      sessionStorage.setItem(WATCH_KEY, watched);
    }
    markWatched();
    $('watch-sale-id').value = watched || '';
    $('title').textContent = watched ? 'Sale ' + watched : 'No sale watched';
    resetCharts();
    poll();
  }

  function lineChart(canvas, series, stacked, type = 'line') {
    return new Chart(canvas, {
      type,
      data: {labels: [], datasets: series.map(([label, colour]) => dataset(label, colour))},
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: {mode: 'index', intersect: false},
        scales: {x: {stacked, ticks: {maxTicksLimit: 6}}, y: {stacked, beginAtZero: true}},
        plugins: {legend: {labels: {boxWidth: 12}}},
      },
    });
  }

  function dataset(label, colour) {
    return {label, data: [], borderColor: colour, backgroundColor: colour, pointRadius: 0, borderWidth: 2};
  }

  function resetCharts() {
    if (typeof Chart === 'undefined') {
      return;
    }
    if (charts) {
      Object.values(charts).forEach(c => c.destroy());
    }
    charts = {
      stock: lineChart($('chart-stock'), [['remaining', '#15803d'], ['reserved', '#a16207'], ['confirmed', '#0369a1']]),
      answers: lineChart($('chart-answers'), [['accepted', '#15803d']], true, 'bar'),
      latency: lineChart($('chart-latency'), [['p50', '#0369a1'], ['p90', '#a16207'], ['p99', '#b91c1c']]),
    };
  }

  function push(chart, label, values) {
    chart.data.labels.push(label);
    chart.data.datasets.forEach((d, i) => d.data.push(values[i] ?? 0));
    if (chart.data.labels.length > POINTS) {
      chart.data.labels.shift();
      chart.data.datasets.forEach(d => d.data.shift());
    }
    chart.update('none');
  }

  /** Adds a series for a reason first seen now, zero before. */
  function ensureSeries(chart, label) {
    let index = chart.data.datasets.findIndex(d => d.label === label);
    if (index < 0) {
      const d = dataset(label, COLOURS[(chart.data.datasets.length - 1) % COLOURS.length]);
      d.data = chart.data.labels.map(() => 0);
      chart.data.datasets.push(d);
      index = chart.data.datasets.length - 1;
    }
    return index;
  }

  function rates(traffic) {
    const at = Date.parse(traffic.serverTime);
    const now = {at, outcomes: traffic.outcomes};
    const before = previous;
    previous = now;
    if (!before || at <= before.at) {
      return null;
    }
    const seconds = (at - before.at) / 1000;
    const perSecond = {};
    for (const [code, count] of Object.entries(traffic.outcomes)) {
      perSecond[code] = Math.max(0, count - (before.outcomes[code] || 0)) / seconds;
    }
    return perSecond;
  }

  function number(n, digits = 0) {
    return n === undefined || n === null ? '–' : Number(n).toFixed(digits);
  }

  async function poll() {
    if (!token || !watched || polling) {
      return;
    }
    polling = true;
    try {
      const sale = encodeURIComponent(watched);
      const [stats, traffic, engine] = await Promise.all([
        admin('GET', '/admin/sales/' + sale + '/stats'),
        admin('GET', '/admin/sales/' + sale + '/traffic'),
        admin('GET', '/admin/engine'),
      ]);
      $('live').hidden = false;
      const label = F.clockTime(Date.now());
      if (stats.status === 200) {
        const s = stats.json;
        $('live-error').textContent = '';
        $('fig-status').textContent = s.status;
        $('fig-status').dataset.status = s.status;
        for (const name of ['stock', 'reserved', 'confirmed', 'remaining', 'buyers']) {
          $('fig-' + name).textContent = number(s[name]);
        }
        if (charts) {
          push(charts.stock, label, [s.remaining, s.reserved, s.confirmed]);
        }
      } else {
        $('live-error').textContent = answerText(stats, '');
      }
      if (traffic.status === 200) {
        renderTraffic(traffic.json, label);
      }
      if (engine.status === 200) {
        const e = engine.json;
        $('engine-role').textContent = e.role;
        $('engine-epoch').textContent = number(e.epoch);
        $('engine-standby').textContent = e.standby.state + ' · ' + number(e.standby.lagRecords);
      } else {
        $('engine-role').textContent = engine.code || 'unreachable';
      }
    } finally {
      polling = false;
    }
  }

  function renderTraffic(traffic, label) {
    $('fig-accepted-total').textContent = number(traffic.outcomes[ACCEPTED] || 0);
    const latency = traffic.latencyMs;
    $('fig-latency').textContent = latency.count > 0 ? number(latency.p50, 1) + ' / ' + number(latency.p99, 1) : '–';
    const perSecond = rates(traffic);
    if (!perSecond) {
      return;
    }
    const rejected = Object.entries(perSecond).filter(([code]) => code !== ACCEPTED && !NEUTRAL.has(code));
    $('fig-accepted-rate').textContent = number(perSecond[ACCEPTED] || 0, 1);
    $('fig-rejected-rate').textContent = number(rejected.reduce((sum, [, r]) => sum + r, 0), 1);
    const list = $('rejections');
    list.replaceChildren();
    for (const [code, rate] of rejected.filter(([, r]) => r > 0).sort((a, b) => b[1] - a[1])) {
      list.append(F.element('li', {'data-code': code}, code + ': ' + number(rate, 1) + ' /s'));
    }
    $('rejections-none').hidden = list.children.length > 0;
    if (charts) {
      const values = [];
      values[0] = perSecond[ACCEPTED] || 0;
      for (const [code, rate] of rejected) {
        values[ensureSeries(charts.answers, code)] = rate;
      }
      push(charts.answers, label, values);
      push(charts.latency, label, latency.count > 0 ? [latency.p50, latency.p90, latency.p99] : [null, null, null]);
    }
  }

  function start() {
    renderSignIn();
    $('admin-signin').addEventListener('click', () => {
      const value = $('admin-token').value.trim();
      if (value) {
        sessionStorage.setItem(TOKEN_KEY, value);
        token = value;
        $('admin-token').value = '';
        renderSignIn();
        poll();
        listSales();
      }
    });
    $('signout').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      token = null;
      renderSignIn();
      renderSales([]);
    });
    $('create-form').addEventListener('submit', createSale);
    $('watch-form').addEventListener('submit', e => {
      e.preventDefault();
      watch($('watch-sale-id').value.trim());
    });
    $('pause').addEventListener('click', () => saleAction('pause', 'paused'));
    $('resume').addEventListener('click', () => saleAction('resume', 'resumed'));
    $('end').addEventListener('click', () => saleAction('end', 'ended'));
    $('stock-form').addEventListener('submit', adjustStock);
    $('block-form').addEventListener('submit', block);
    $('sales-refresh').addEventListener('click', listSales);
    watch(watched);
    listSales();
    setInterval(poll, 1000);
    setInterval(listSales, LIST_EVERY_MS);
  }

  start();
})();
