/* Beatbook service worker. Served from /sw.js (no-cache) with the version, shell and tile URL
   filled in. Pages: network first; a kept copy when offline, else the offline page. Static
   files: the versioned shell, cache first. Map tiles: kept ones first (below). Never other
   origins (but the tile service's), never anything but GET (but for noting that a form posted
   under a kept page succeeded, so the page is forgotten).

   What it keeps (README, "What stays on the phone"): only pages the server marked with
   x-beatbook-keep (app/headers.py: today's plan and taskings, the visit under way, the
   briefing, the home screen) and never an answer sent no-store. A kept page goes
   - at the end of the phone's day it was loaded on, when marked "today";
   - when a form posted under its path succeeds, when marked "until-done" (a visit is
     submitted or discarded) or "today" (the page changed: it is kept again when next loaded);
   - when the server stops letting it be kept (no-store, an error, a redirect);
   - all of them, at sign-out and when the server says the session has gone (a redirect to
     /login, a 401): app.js and outbox.js ask for that with a "forget-pages" message too.

   Map tiles (README, "Maps and boundaries"): today's plan (patrol.js) asks for the tiles around
   its points to be kept ("keep-tiles"), for the zoom levels a walk needs, and those of the
   map's opening view, bounded in number and size, in a cache of their own; only from the configured tile URL (BEATBOOK_TILE_URL,
   filled in by the server: never a URL a page names). Tile requests are answered from that
   cache first, then from the tile service. Kept tiles go like the plan: at the end of the
   phone's day they were kept on, at sign-out and when the session has gone. */
"use strict";
var VERSION = "__VERSION__";
var SHELL = __SHELL__;
var SHELL_CACHE = "beatbook-shell-" + VERSION;
var PAGES_CACHE = "beatbook-pages";
var KEEP_HEADER = "x-beatbook-keep";
var TILE_URL = __TILE_URL__; // "" without tiles
var TILES_CACHE = "beatbook-tiles";
var TILE_ZOOMS = [15, 16, 17]; // a street (15) to the houses along it (17)
var TILE_AROUND_M = 300; // kept around each point of the plan
var TILE_VIEW_MAX = 64; // the map's opening view, when it takes no more tiles than this
var TILE_MAX = 400; // at most this many tiles kept
var TILE_MAX_BYTES = 8 * 1024 * 1024; // and at most 8,192 KB of them
var TILE_DAY_HEADER = "x-beatbook-day";

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
    }).then(forgetOldDays).then(forgetOldTiles).then(function () { return self.clients.claim(); })
  );
});

function forgetAllPages() {
  tilesGeneration += 1; // a keeping under way stops
  return Promise.all([caches.delete(PAGES_CACHE), caches.delete(TILES_CACHE)]);
}

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
  if (type === "keep-tiles") event.waitUntil(keepTiles(event.data.points, event.data.view).catch(function () {}));
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

// Map tiles. A tile's URL from the template as Leaflet makes it ({s}: a, b or c by x + y;
// {r}: none), so that a kept tile is found whichever subdomain or scale a page asks for.
function tileUrl(z, x, y) {
  var subdomains = "abc";
  return TILE_URL.replace(/\{(\w+)\}/g, function (whole, key) {
    if (key === "z") return String(z);
    if (key === "x") return String(x);
    if (key === "y") return String(y);
    if (key === "s") return subdomains[Math.abs(x + y) % subdomains.length];
    if (key === "r") return "";
    return whole;
  });
}

// The template as a pattern: a request's URL to its tile's [z, x, y], or null.
var TILE_PATTERN = (function () {
  if (!TILE_URL) return null;
  var order = [];
  var source = TILE_URL.split(/(\{\w+\})/).map(function (part) {
    var key = /^\{(\w+)\}$/.exec(part);
    if (!key) return part.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&");
    if (key[1] === "z" || key[1] === "x" || key[1] === "y") {
      order.push(key[1]);
      return "(\\d+)";
    }
    if (key[1] === "s") return "[a-z0-9-]+";
    if (key[1] === "r") return "(?:@2x)?";
    return "[^/?&#]*";
  }).join("");
  return { re: new RegExp("^" + source + "$"), order: order };
})();

function tileOf(url) {
  if (!TILE_PATTERN) return null;
  var found = TILE_PATTERN.re.exec(url);
  if (!found) return null;
  var tile = {};
  TILE_PATTERN.order.forEach(function (key, i) { tile[key] = parseInt(found[i + 1], 10); });
  return [tile.z, tile.x, tile.y];
}

function tileXY(lat, lng, z) {
  var n = Math.pow(2, z);
  var r = Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180;
  var x = Math.floor((lng + 180) / 360 * n);
  var y = Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
  return [Math.max(0, Math.min(n - 1, x)), Math.max(0, Math.min(n - 1, y))];
}

// The tiles of the map's opening view (at its zoom, if not too many), then those within
// TILE_AROUND_M of each point at each zoom in turn (the whole walk at the lower zooms first, so
// a bound reached leaves out the closest zoom of the last points).
function tilesAround(points, view) {
  var urls = [];
  var seen = {};
  function add(z, from, to) {
    for (var x = from[0]; x <= to[0]; x++) {
      for (var y = from[1]; y <= to[1]; y++) {
        var url = tileUrl(z, x, y);
        if (!seen[url]) { seen[url] = true; urls.push(url); }
      }
    }
  }
  if (view && [view.south, view.west, view.north, view.east, view.zoom].every(isFinite)) {
    var vz = Math.max(0, Math.min(19, Math.round(view.zoom)));
    var nw = tileXY(+view.north, +view.west, vz);
    var se = tileXY(+view.south, +view.east, vz);
    if ((se[0] - nw[0] + 1) * (se[1] - nw[1] + 1) <= TILE_VIEW_MAX) add(vz, nw, se);
  }
  TILE_ZOOMS.forEach(function (z) {
    points.forEach(function (p) {
      var lat = +p[0], lng = +p[1];
      if (!isFinite(lat) || !isFinite(lng) || Math.abs(lat) > 85 || Math.abs(lng) > 180) return;
      var dLat = TILE_AROUND_M / 111320;
      var dLng = TILE_AROUND_M / (111320 * Math.max(0.01, Math.cos(lat * Math.PI / 180)));
      add(z, tileXY(lat + dLat, lng - dLng, z), tileXY(lat - dLat, lng + dLng, z));
    });
  });
  return urls;
}

function tileStale(response) {
  return response.headers.get(TILE_DAY_HEADER) !== localDay(Date.now());
}

function forgetOldTiles() {
  return caches.has(TILES_CACHE).then(function (has) {
    if (!has) return null;
    return caches.open(TILES_CACHE).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (response) {
            if (!response || tileStale(response)) return cache["delete"](request);
            return null;
          });
        }));
      });
    });
  });
}

// One keeping at a time (a reload while tiles are still coming asks again); a sign-out or a
// session gone meanwhile (a new generation) stops it.
var keeping = Promise.resolve();
var tilesGeneration = 0;

function keepTiles(points, view) {
  if (!TILE_URL || !Array.isArray(points) || !points.length) return Promise.resolve();
  var wanted = tilesAround(points.slice(0, 200), view);
  var generation = tilesGeneration;
  keeping = keeping.catch(function () {}).then(function () {
    if (generation !== tilesGeneration) return null;
    return forgetOldTiles().then(function () { return caches.open(TILES_CACHE); }).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) { return cache.match(request); }));
      }).then(function (kept) {
        var have = {};
        var count = 0;
        var bytes = 0;
        kept.forEach(function (response) {
          if (!response) return;
          count += 1;
          bytes += parseInt(response.headers.get("x-beatbook-bytes") || "0", 10);
        });
        return cache.keys().then(function (requests) {
          requests.forEach(function (request) { have[request.url] = true; });
          var missing = wanted.filter(function (url) { return !have[url]; });
          // In turn: a tile service is asked for one tile at a time, never a burst.
          var next = 0;
          function one() {
            if (next >= missing.length || count >= TILE_MAX || generation !== tilesGeneration) {
              return null;
            }
            var url = missing[next++];
            return fetch(new Request(url, { mode: "cors", credentials: "omit" })).then(function (response) {
              var type = response.headers.get("content-type") || "";
              if (!response.ok || type.indexOf("image/") !== 0) return one();
              return response.blob().then(function (blob) {
                if (bytes + blob.size > TILE_MAX_BYTES) return null; // the bound: stop here
                count += 1;
                bytes += blob.size;
                var headers = { "content-type": type, "x-beatbook-bytes": String(blob.size) };
                headers[TILE_DAY_HEADER] = localDay(Date.now());
                return cache.put(url, new Response(blob, { headers: headers })).then(one);
              });
            });
          }
          return one();
        });
      });
    });
  });
  return keeping;
}

// A tile: the kept copy (kept today), else the tile service as the page asked.
function tileFirst(request, tile) {
  var key = tileUrl(tile[0], tile[1], tile[2]);
  return caches.has(TILES_CACHE).then(function (has) {
    if (!has) return null;
    return caches.open(TILES_CACHE).then(function (cache) {
      return cache.match(key).then(function (hit) {
        if (hit && tileStale(hit)) return cache["delete"](key).then(function () { return null; });
        return hit || null;
      });
    });
  }).then(function (hit) {
    return hit || fetch(request);
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
  var tile = request.method === "GET" && tileOf(request.url);
  if (tile) {
    event.respondWith(tileFirst(request, tile));
    return;
  }
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
