// The tracking snippet, as served at /js/universal.js (minified by universal.ts). It keeps
// Partnero's loader contract: the page defines a queueing stub `window.po` (its name may be set
// in `window.__partnerObject`) whose queued calls sit in `po.q` as `{a: arguments}`, then loads
// this script, which replaces the stub and runs what was queued:
//
//   po('program', PUBLIC_ID, 'load')             read ?aff=key (or /aff/key), set the cookie, report the click
//   po('customers', 'signup', {data: {...}})      create the customer, credited by the cookie
//   po('customer', 'signup', {email, name})       the same, flat
//   po('integration', 'universal', null)          do it for every sign-up form submitted on the page
//   po('settings', …)                             accepted, nothing to do
//
// Plain ES2015 in a string (no template literals inside), so it needs no build step of its own.
export const UNIVERSAL_SOURCE = String.raw`
(function (w, d) {
  'use strict';
  var name = w.__partnerObject || 'po';
  var stub = w[name];
  var me = d.currentScript;
  var api = me && me.src ? me.src.replace(/\/js\/universal\.js.*$/, '') : '';
  var program = null;
  var waiting = [];
  var hooked = false;
  var confirming = null;

  function readCookie(cookieName) {
    var found = d.cookie.match(new RegExp('(?:^|; )' + cookieName + '=([^;]*)'));
    return found ? decodeURIComponent(found[1]) : null;
  }

  // On the broadest domain the browser accepts (example.com for www.example.com), so every
  // subdomain of the merchant's site sees it; host-only where no parent is allowed (localhost).
  function writeCookie(cookieName, value, days) {
    var rest = '=' + encodeURIComponent(value) + '; path=/; max-age=' + Math.min(days, 400) * 86400 +
      '; samesite=lax' + (location.protocol === 'https:' ? '; secure' : '');
    var labels = location.hostname.split('.');
    for (var i = labels.length - 2; i >= 0; i--) {
      d.cookie = cookieName + rest + '; domain=' + labels.slice(i).join('.');
      if (readCookie(cookieName) === String(value)) return;
    }
    d.cookie = cookieName + rest;
  }

  // Why the server refused the snippet, in the console: a silent snippet is a mystery to debug.
  function warn(answer) {
    if (w.console && answer && answer.message) w.console.warn('Partnerkit: ' + answer.message);
  }

  // Calls then(data) with the answer's data, or then(null) when there is none (refused, offline).
  function eraseCookie(cookieName) {
    var labels = location.hostname.split('.');
    for (var i = labels.length - 2; i >= 0; i--) d.cookie = cookieName + '=; path=/; max-age=0; domain=' + labels.slice(i).join('.');
    d.cookie = cookieName + '=; path=/; max-age=0';
  }

  function post(path, body, then) {
    var sent = fetch(api + path, {
      method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(body), keepalive: true, credentials: 'omit'
    });
    sent.then(function (res) {
      return res.json().then(function (answer) {
        if (res.ok) return answer.data || {};
        warn(answer);
        return null;
      });
    }).then(then || function () {}, function () { if (then) then(null); });
  }

  function keyInUrl(param) {
    var inQuery = new URLSearchParams(location.search).get(param);
    if (inQuery) return inQuery;
    var segments = location.pathname.split('/');
    for (var i = 0; i < segments.length - 1; i++) {
      if (segments[i] === param && segments[i + 1]) return decodeURIComponent(segments[i + 1]);
    }
    return null;
  }

  function load(publicId) {
    fetch(api + '/t/programs/' + encodeURIComponent(publicId), { credentials: 'omit' })
      .then(function (res) {
        return res.json().then(function (answer) {
          if (!res.ok) return warn(answer);
          program = { id: publicId, settings: answer.data };
          confirming = report(answer.data);
          var queued = waiting;
          waiting = [];
          for (var i = 0; i < queued.length; i++) run(queued[i]);
        });
      })['catch'](function () {});
  }

  // The key in the URL replaces a cookie only once the server confirms it names an active
  // partner's link: a stale or mistyped ?aff= must not wipe a valid referral. With no cookie yet
  // there is nothing to wipe: the key is kept at once (a visitor may move on before the answer),
  // and dropped again if the server says it names no partner. Offline, it stays.
  function report(settings) {
    var key = keyInUrl(settings.param);
    if (!key) return null;
    var before = readCookie(settings.cookie);
    if (!before) writeCookie(settings.cookie, key, settings.cookie_lifetime);
    return new Promise(function (done) {
      post('/t/click', { program: program.id, key: key }, function (click) {
        // First-click attribution: a referral already remembered keeps the credit.
        var keep = before && before !== key && settings.attribution === 'first_click';
        if (click && click.key_active && !keep) {
          writeCookie(settings.cookie, key, settings.cookie_lifetime);
          if (click.click_id) writeCookie('partnero_click', click.click_id, settings.cookie_lifetime);
        } else if (click && !before) {
          eraseCookie(settings.cookie);
        }
        done();
      });
    });
  }

  // After the visit's key is confirmed (or refused), so the cookie says who gets the credit.
  function signup(data) {
    if (confirming) return void confirming.then(function () { confirming = null; signup(data); });
    var settings = program.settings;
    var key = readCookie(settings.cookie);
    var click = readCookie('partnero_click');
    if (!key && !click) return;
    post('/t/signup', {
      program: program.id, partner_key: key || undefined, click_id: click || undefined,
      customer: { key: data.key, email: data.email, name: data.name, surname: data.surname, tags: data.tags }
    });
  }

  function fieldValue(form, pattern, type) {
    for (var i = 0; i < form.elements.length; i++) {
      var field = form.elements[i];
      if (!field.value || field.type === 'password' || field.type === 'hidden') continue;
      if ((type && field.type === type) || pattern.test(field.name || '') || pattern.test(field.id || '')) return String(field.value).trim();
    }
    return '';
  }

  function hookForms() {
    if (hooked) return;
    hooked = true;
    d.addEventListener('submit', function (event) {
      var form = event.target;
      if (!form || !form.elements) return;
      var email = fieldValue(form, /e-?mail/i, 'email');
      var fullName = fieldValue(form, /name/i);
      if (email) signup({ email: email, name: fullName || undefined });
    }, true);
  }

  function run(args) {
    var what = args[0], action = args[1], arg = args[2];
    if (what === 'program' && arg === 'load') return load(action);
    if (what === 'settings') return;
    if (!program) return void waiting.push(args);
    if ((what === 'customers' || what === 'customer') && action === 'signup') return signup(arg && arg.data ? arg.data : arg || {});
    if (what === 'integration' && action === 'universal') return hookForms();
  }

  function po() { run([].slice.call(arguments)); }
  var queued = stub && stub.q ? stub.q : [];
  w[name] = po;
  for (var i = 0; i < queued.length; i++) run(queued[i] && queued[i].a ? [].slice.call(queued[i].a) : queued[i]);
})(window, document);
`
