// The driver's route page, kept on the phone: opened again where there is no signal, the
// last copy shows (marks made meanwhile wait in the page's storage and are sent later).
// Only the route pages (/r/<token>) and the stylesheet; never a report or a download.
var CACHE = "jangkau-route-v1";
var MAX_AGE_MS = 36 * 3600 * 1000; // a route is for its day: an older copy is not shown

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(Promise.all([self.clients.claim(), prune()]));
});

// Copies past their day are deleted, not only hidden: a route holds contact phones.
function prune() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        return cache.match(key).then(function (kept) {
          var at = kept && Number(kept.headers.get("X-Kept-At"));
          if (kept && at && Date.now() - at >= MAX_AGE_MS) return cache.delete(key);
        });
      }));
    });
  });
}

function stamped(response) {
  var headers = new Headers(response.headers);
  headers.set("X-Kept-At", String(Date.now()));
  return response.blob().then(function (body) {
    return new Response(body, {status: response.status, statusText: response.statusText, headers: headers});
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  var page = request.mode === "navigate" && /^\/r\/[0-9a-f]{16,64}$/.test(url.pathname);
  var css = url.pathname === "/static/app.css";
  if (!page && !css) return;
  var key = url.origin + url.pathname;
  event.respondWith(
    fetch(request).then(function (response) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) {
        if (response.ok) {
          return stamped(copy).then(function (kept) { return cache.put(key, kept); }).then(prune);
        }
        if (response.status === 404 || response.status === 410) return cache.delete(key);
      });
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(key); }).then(function (kept) {
        var at = kept && Number(kept.headers.get("X-Kept-At"));
        if (kept && (css || Date.now() - at < MAX_AGE_MS)) return kept;
        return Response.error();
      });
    })
  );
});
