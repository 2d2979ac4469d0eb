// The officer's outbox: requests kept on this phone while there was no signal. Whichever of
// the officer's pages is open when the signal returns sends them, each exactly once (its
// Idempotency-Key travels with it). Kept per officer: a phone passed on to a colleague never
// sends one officer's request under the other's name.
(function () {
  var d = document.currentScript.dataset;
  var KEY = "jangkau-outbox:" + d.user, T = JSON.parse(d.text);

  function items() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function put(list) { localStorage.setItem(KEY, JSON.stringify(list)); }
  function drop(key) { put(items().filter(function (x) { return x.key !== key; })); }
  function keep(item) {
    var list = items().filter(function (x) { return x.key !== item.key; });
    list.push(item); put(list);
  }
  function send(item) {
    return fetch("/api/requests", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Idempotency-Key": item.key, "X-CSRF-Token": d.csrf},
      body: JSON.stringify(item.body)});
  }
  // Sends `item`; `answered(ok, body)` runs when the server decided (stored or refused).
  // A 5xx or no network leaves it kept, for the next try.
  function attempt(item, answered, failed) {
    send(item).then(function (r) {
      if (r.status >= 500) { if (failed) failed(); return; }
      return r.json().then(function (j) { answered(r.ok, j); });
    }).catch(function () { if (failed) failed(); });
  }
  window.JangkauOutbox = {items: items, keep: keep, drop: drop, attempt: attempt};

  // On the officer's other pages: send what is waiting and say what happened. A request the
  // server refuses stays kept, marked, for the form to bring back and correct.
  var sent = [], busy = false;
  function say() {
    var box = document.getElementById("outbox"); if (!box) return;
    var waiting = items().filter(function (x) { return !x.refused; }).length;
    var refused = items().length - waiting;
    box.textContent = "";
    function line(text, href) {
      var p = document.createElement(href ? "a" : "span");
      p.textContent = text; if (href) p.href = href;
      box.appendChild(p); box.appendChild(document.createElement("br"));
    }
    if (waiting) line(T.waiting.replace("{n}", waiting));
    sent.forEach(function (ref) { line(T.sent.replace("{ref}", ref), "/requests/" + ref); });
    if (refused) line(T.refused.replace("{n}", refused), "/requests/new");
    box.hidden = !(waiting || refused || sent.length);
  }
  function flush() {
    if (busy) return;
    var item = items().filter(function (x) { return !x.refused; })[0];
    if (!item) { say(); return; }
    busy = true;
    attempt(item, function (ok, j) {
      busy = false;
      if (ok) { drop(item.key); sent.push(j.reference); } else { item.refused = j.detail || "?"; keep(item); }
      flush();
    }, function () { busy = false; say(); });
  }
  if (d.auto) {
    document.addEventListener("DOMContentLoaded", flush);
    window.addEventListener("online", flush); setInterval(flush, 20000);
  }
})();
