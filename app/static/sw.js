/* Beatbook service worker. Served from /sw.js (no-cache) with the version and shell filled in.
   Pages: network first; a kept copy when offline, else the offline page. Static files: the
   versioned shell, cache first. Never other origins, never anything but GET (but for noting
   that a form posted under a kept page succeeded, so the page is forgotten).

   What it keeps (README, "What stays on the phone"): only pages the server marked with
   x-beatbook-keep (app/headers.py: today's plan and taskings, the visit under way, the
   briefing, the home screen) and never an answer sent no-store. A kept page goes
   - at the end of the phone's day it was loaded on, when marked "today";
   - when a form posted under its path succeeds, when marked "until-done" (a visit is
     submitted or discarded) or "today" (the page changed: it is kept again when next loaded);
   - when the server stops letting it be kept (no-store, an error, a redirect);
   - all of them, at sign-out and when the server says the session has gone (a redirect to
     /login, a 401): app.js and outbox.js ask for that with a "forget-pages" message too. */
"use strict";
var VERSION = "__VERSION__";
var SHELL = __SHELL__;
var SHELL_CACHE = "beatbook-shell-" + VERSION;
var PAGES_CACHE = "beatbook-pages";
var KEEP_HEADER = "x-beatbook-keep";

// Features' own worker parts (background sync, push), listed by the server.
__IMPORTS__

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      // The shell is drawn for nobody: fetched without the session's cookie.
      return cache.addAll(SHELL.map(function (url) {
        return new Request(url, { credentials: "omit" });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("beatbook-shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(forgetOldDays).then(function () { return self.clients.claim(); })
  );
});

function forgetAllPages() { return caches.delete(PAGES_CACHE); }

// The session has gone: the kept pages, and the outbox's copies of records already sent
// (unsent ones stay, for their author to send after signing in again).
function sessionEnded() {
  return forgetAllPages().then(function () {
    return self.beatbookOutbox ? self.beatbookOutbox.forgetSent() : null;
  });
}

self.addEventListener("message", function (event) {
  var type = event.data && event.data.type;
  if (type === "clear-pages" || type === "forget-pages") event.waitUntil(forgetAllPages());
  if (type === "session-gone") event.waitUntil(sessionEnded());
});

function localDay(time) {
  var d = new Date(time);
  return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate();
}

// A kept page marked "today" that was loaded on an earlier day of the phone's.
function stale(response) {
  if (response.headers.get(KEEP_HEADER) !== "today") return false;
  var loaded = Date.parse(response.headers.get("date") || "");
  return !loaded || localDay(loaded) !== localDay(Date.now());
}

// Every kept page matching `test(url, response)` is forgotten.
function forgetWhere(test) {
  return caches.has(PAGES_CACHE).then(function (has) {
    if (!has) return null;
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (response) {
            if (!response || test(new URL(request.url), response)) return cache["delete"](request);
            return null;
          });
        }));
      });
    });
  });
}

function forgetOldDays() {
  return forgetWhere(function (url, response) { return stale(response); });
}

function forgetPath(pathname) {
  return forgetWhere(function (url) { return url.pathname === pathname; });
}

// A form posted to `pathname` succeeded: the kept pages it lies under have changed (a visit
// submitted or discarded, a tasking answered). "/" is no parent: the home screen stays.
function forgetUnder(pathname) {
  return forgetWhere(function (url) {
    return url.pathname !== "/" && pathname.indexOf(url.pathname + "/") === 0;
  });
}

function keepable(response) {
  if (!response || response.status !== 200 || response.type !== "basic" || response.redirected) return false;
  var control = response.headers.get("cache-control") || "";
  var type = response.headers.get("content-type") || "";
  return !!response.headers.get(KEEP_HEADER) && control.indexOf("no-store") === -1 &&
    type.indexOf("text/html") === 0;
}

// The session has gone: the server answered 401, or this is the sign-in page (where a
// signed-in page's request is sent once its session has ended; a live session never stays
// there: it is sent on).
function sessionGone(response, pathname) {
  return response.status === 401 || pathname === "/login";
}

function networkFirst(event) {
  var request = event.request;
  var pathname = new URL(request.url).pathname;
  return fetch(request).then(function (response) {
    var done;
    if (keepable(response)) {
      var copy = response.clone();
      done = caches.open(PAGES_CACHE).then(function (cache) { return cache.put(request, copy); });
    } else if (sessionGone(response, pathname)) {
      done = sessionEnded();
    } else if (response.status < 500) {
      done = forgetPath(pathname); // no longer to be kept, no longer there, or sent elsewhere
    } else {
      done = Promise.resolve(); // the server's trouble: what was kept stays
    }
    event.waitUntil(done.catch(function () {}));
    return response;
  }).catch(function () {
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        // The same page with other query parameters (a visit's section, a plan's position).
        return hit || cache.match(request, { ignoreSearch: true });
      });
    }).then(function (saved) {
      if (saved && !stale(saved)) return saved;
      var forgotten = saved ? forgetOldDays() : Promise.resolve();
      return forgotten.then(function () {
        return caches.match("/offline", { cacheName: SHELL_CACHE });
      });
    });
  });
}

// A form posted as a page load (submit, discard, an answer without script).
function postedForm(event) {
  var pathname = new URL(event.request.url).pathname;
  return fetch(event.request).then(function (response) {
    if (response.type === "opaqueredirect" || response.ok) {
      event.waitUntil(forgetUnder(pathname).catch(function () {}));
    }
    return response;
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
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate") {
    event.respondWith(postedForm(event));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(event));
  }
});
