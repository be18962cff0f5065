/* Beatbook page script: service worker, connection state, sign-out clean-up, error focus.
   Plain JavaScript, no framework; everything here only improves pages that work without it. */
(function () {
  "use strict";
  var PAGES_CACHE = "beatbook-pages";
  var TILES_CACHE = "beatbook-tiles"; // today's plan's map tiles (sw.js)
  var beatbook = (window.beatbook = window.beatbook || {});
  // Features add checks that run before sign-out (the outbox warns about unsent records).
  beatbook.beforeSignOut = beatbook.beforeSignOut || [];

  // The pages the service worker kept (sw.js, README "What stays on the phone"), and the map
  // tiles kept with today's plan.
  function clearSavedPages() {
    var jobs = [];
    if (window.caches) jobs.push(caches.delete(PAGES_CACHE), caches.delete(TILES_CACHE));
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "forget-pages" });
    }
    return Promise.all(jobs).catch(function () {});
  }
  beatbook.clearSavedPages = clearSavedPages;

  // Everything this site keeps on the phone: the kept pages, the outbox's records (sent or
  // not: sign-out warned first), the browser's copies. The sign-out answer asks the browser
  // for the same (Clear-Site-Data), which needs a secure context: this does not.
  function wipePhone() {
    var jobs = [clearSavedPages()];
    if (window.indexedDB) {
      jobs.push(new Promise(function (resolve) {
        var req = indexedDB.deleteDatabase("beatbook-outbox");
        req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
      }));
    }
    return Promise.all(jobs).catch(function () {});
  }
  beatbook.wipePhone = wipePhone;

  // The server says the session has gone (deactivated, password reset, expired): the kept
  // pages go, and the copies of records already sent. Unsent records stay for the person to
  // send when they sign in again.
  function sessionGone() {
    var jobs = [clearSavedPages()];
    if (window.beatbookOutbox) jobs.push(window.beatbookOutbox.forgetSent());
    return Promise.all(jobs).catch(function () {});
  }
  beatbook.sessionGone = sessionGone;
  // htmx asked for a fragment and was told to sign in (401, HX-Redirect to /login).
  document.addEventListener("htmx:responseError", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 401) sessionGone();
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function (err) {
        console.warn("Service worker not registered", err);
      });
    });
  }

  function showConnection() {
    var badge = document.querySelector("[data-connection]");
    if (!badge) return;
    badge.hidden = navigator.onLine;
    var saved = document.querySelector("meta[name='rendered-at']");
    if (!navigator.onLine && saved) {
      badge.textContent = "Offline · saved " + new Date(saved.content).toLocaleString("en-GB", {
        day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
      });
    } else {
      badge.textContent = "Offline";
    }
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-logout")) return;
    var warnings = beatbook.beforeSignOut
      .map(function (check) { return check(); })
      .filter(Boolean);
    if (warnings.length && !window.confirm(warnings.join("\n") + "\n\nSign out anyway?")) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    clearSavedPages().then(function () { form.submit(); });
  });

  document.addEventListener("DOMContentLoaded", function () {
    showConnection();
    if (document.body.hasAttribute("data-signed-out")) {
      wipePhone(); // signed out: nothing of the session stays
    } else if (!document.body.dataset.user) {
      // Never signed in, or sent here because the session has gone: no kept page stays, nor
      // the copies of sent records (the worker holds the outbox on pages without outbox.js).
      clearSavedPages();
      if (navigator.serviceWorker && navigator.serviceWorker.controller) {
        navigator.serviceWorker.controller.postMessage({ type: "session-gone" });
      }
    }
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
})();
