/* Today's patrol plan: keep the phone's position in each check-in form, stamp the time of a
   check-in when it is made, refresh distances when the position first arrives, and without a
   signal hand check-ins to the shared outbox (docs/outbox.md) to be sent later, once. */
(function () {
  "use strict";
  var fix = null;
  var shownAt = null;
  // Check-ins made on this page, and those still on their way to the server: a refresh of
  // the list that was asked for before (or during) a check-in must not paint over its answer.
  var checkIns = 0;
  var sending = 0;

  function fill() {
    if (!fix) return;
    document.querySelectorAll("form[data-check-in], form[data-position]").forEach(function (form) {
      form.elements.lat.value = fix.lat.toFixed(6);
      form.elements.lng.value = fix.lng.toFixed(6);
      form.elements.accuracy.value = Math.round(fix.accuracy);
    });
  }

  function metresBetween(a, b) {
    // Haversine: close enough to the server's geodesic to decide whether a reason is needed.
    var r = 6371008.8, p1 = a.lat * Math.PI / 180, p2 = b.lat * Math.PI / 180;
    var dp = p2 - p1, dl = (b.lng - a.lng) * Math.PI / 180;
    var h = Math.sin(dp / 2) * Math.sin(dp / 2) +
      Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  // The "Reason" box only where a reason is needed: no position, or beyond the radius (the
  // server decides again, and asks for one it needs; a box showing its error stays).
  function showReasons() {
    var list = document.getElementById("plan-list");
    if (!list) return;
    var radius = parseFloat(list.getAttribute("data-radius"));
    list.querySelectorAll("li[data-lat] [data-reason]").forEach(function (box) {
      var card = box.closest("li[data-lat]");
      var where = { lat: parseFloat(card.dataset.lat), lng: parseFloat(card.dataset.lng) };
      var needed = !fix || metresBetween(fix, where) > radius;
      var kept = box.classList.contains("has-error") || box.querySelector("input").value.trim();
      box.hidden = !(needed || kept);
    });
  }

  // The distances are the server's: asked for with the position, and asked again a moment
  // later (a few times) until an answer is shown, so a slow or dropped request is not the end.
  var tries = 0;
  function refresh() {
    if (!document.getElementById("plan-list") || !navigator.onLine) return;
    var asked = fix;
    if (window.htmx) {
      var url = "/plan";
      if (asked) {
        url += "?lat=" + asked.lat.toFixed(6) + "&lng=" + asked.lng.toFixed(6) +
          "&accuracy=" + Math.round(asked.accuracy);
        shownAt = asked;
      }
      htmx.ajax("GET", url, { target: "#plan-list", swap: "innerHTML" });
    }
    if (!asked || tries >= 5) return;
    tries += 1;
    setTimeout(function () {
      var list = document.getElementById("plan-list");
      if (list && list.querySelector("[data-distance]")) { tries = 0; return; } // shown
      if (fix === asked) refresh(); // no newer position has asked since: ask again
    }, 4000);
  }

  function status(text) {
    var node = document.querySelector("[data-position-status]");
    if (node) node.textContent = text;
  }

  // Offline the server cannot say whether a reason is needed: the page asks as it would.
  function reasonMissing(form) {
    var card = form.closest("li[data-lat]");
    var list = document.getElementById("plan-list");
    var say = card.querySelector("[id$='-offline-error']");
    var reason = form.elements.reason.value.trim();
    var radius = parseFloat(list.getAttribute("data-radius"));
    var where = { lat: parseFloat(card.dataset.lat), lng: parseFloat(card.dataset.lng) };
    var problem = "";
    if (!reason && !fix) problem = "Your phone has no position: say why you are checking in here";
    else if (!reason && metresBetween(fix, where) > radius) {
      problem = "You are " + Math.round(metresBetween(fix, where)) +
        " m from this point: say why you are checking in here";
    }
    say.textContent = problem;
    say.hidden = !problem;
    if (problem) say.closest("[data-reason]").hidden = false;
    if (problem) form.elements.reason.focus();
    return !!problem;
  }

  function queueOffline(form) {
    if (reasonMissing(form) || !(window.beatbook && beatbook.outbox)) return;
    fill();
    if (!form.elements.at.value) form.elements.at.value = new Date().toISOString();
    beatbook.outbox.queue(form);
  }

  // Online, the service worker is asked to keep the map tiles around the plan's points for
  // the walk (sw.js: only from the configured tile service, bounded, gone at the day's end and
  // at sign-out). Offline this page may be the kept copy: nothing to ask for.
  function keepTiles() {
    var element = document.getElementById("today-map");
    if (!element || !navigator.onLine || !navigator.serviceWorker) return;
    var config;
    try { config = JSON.parse(element.getAttribute("data-map")); } catch (e) { return; }
    if (!config.tiles || !(config.points || []).length) return;
    var points = config.points.map(function (p) { return [p.lat, p.lng]; });
    var view = null;
    var map = element.beatbookMap; // map.js: the map as it opened (its view is kept too)
    if (map) {
      var bounds = map.getBounds();
      view = { south: bounds.getSouth(), west: bounds.getWest(), north: bounds.getNorth(),
               east: bounds.getEast(), zoom: map.getZoom() };
    }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ type: "keep-tiles", points: points, view: view });
      }
    });
  }

  // "Use where I am", placed as soon as this deferred script runs (before the page settles) so
  // nothing moves later; the position is asked for on its tap, or at once where already allowed.
  var tap = null;
  (function placeTap() {
    var node = document.querySelector("[data-position-status]");
    if (!node || !document.getElementById("plan-list") || !("geolocation" in navigator)) return;
    tap = document.createElement("button");
    tap.type = "button";
    tap.className = "button secondary";
    tap.textContent = "Use where I am";
    node.insertAdjacentElement("afterend", tap);
  })();

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("plan-list")) return;
    keepTiles();
    if (!("geolocation" in navigator)) {
      status("This phone gives no position: check in by hand with a reason.");
      return;
    }
    var watching = false;
    function watch() {
      if (watching) return;
      watching = true;
      navigator.geolocation.watchPosition(function (position) {
        fix = { lat: position.coords.latitude, lng: position.coords.longitude,
                accuracy: position.coords.accuracy };
        status("Your position is known to within " + Math.round(fix.accuracy) + " m.");
        fill();
        showReasons();
        if (!shownAt || metresBetween(fix, shownAt) > 25) refresh();
      }, function () {
        watching = false;
        status("No position (refused or unavailable): check in by hand with a reason.");
      }, { enableHighAccuracy: true, maximumAge: 15000, timeout: 20000 });
    }
    if (tap) tap.addEventListener("click", function () { status("Finding where you are…"); watch(); });
    // Followed at once only where already allowed; otherwise on a tap (no prompt on load).
    if (navigator.permissions && navigator.permissions.query) {
      navigator.permissions.query({ name: "geolocation" }).then(function (p) {
        if (p.state === "granted") watch();
        else status("Tap \u201cUse where I am\u201d for distances and automatic check-ins.");
      }, function () {});
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches("form[data-check-in]")) {
      sending += 1;
    } else if (event.detail.target && event.detail.target.id === "plan-list") {
      event.detail.xhr.planAsked = { checkIns: checkIns, sending: sending };
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.matches && elt.matches("form[data-check-in]")) sending = Math.max(0, sending - 1);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var asked = event.detail.xhr && event.detail.xhr.planAsked;
    if (asked && (asked.checkIns !== checkIns || asked.sending > 0)) {
      event.detail.shouldSwap = false; // older than a check-in: the check-in's answer stands
    }
  });
  document.addEventListener("htmx:afterSwap", fill);
  document.addEventListener("htmx:afterSwap", showReasons);
  // The time of a check-in is when it is made, even if it is sent later.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-check-in]")) return;
    fill();
    checkIns += 1;
    form.elements.at.value = new Date().toISOString();
    if (!navigator.onLine) {
      // Neither htmx nor the outbox's own listener: one record, queued here.
      event.preventDefault();
      event.stopPropagation();
      queueOffline(form);
    }
  }, true);
  // Online, but the request never reached the server: keep it on the phone instead.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-check-in]");
    if (form) queueOffline(form);
  });
  document.addEventListener("outbox:flushed", refresh);
})();
