/* Beatbook service worker. Served from /sw.js (no-cache) with the version and shell filled in.
   Pages: network first, a saved copy when offline, else the offline page. Static files: the
   versioned shell, cache first. Never other origins, never anything but GET. */
"use strict";
var VERSION = "__VERSION__";
var SHELL = __SHELL__;
var SHELL_CACHE = "beatbook-shell-" + VERSION;
var PAGES_CACHE = "beatbook-pages";

// Features' own worker parts (background sync, push), listed by the server.
__IMPORTS__

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("beatbook-shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "clear-pages") {
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});

function storable(response) {
  if (!response || !response.ok || response.type !== "basic" || response.redirected) return false;
  var control = response.headers.get("cache-control") || "";
  var type = response.headers.get("content-type") || "";
  return control.indexOf("no-store") === -1 && type.indexOf("text/html") === 0;
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (storable(response)) {
      var copy = response.clone();
      caches.open(PAGES_CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { cacheName: PAGES_CACHE }).then(function (saved) {
      return saved || caches.match("/offline", { cacheName: SHELL_CACHE });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  }
});
