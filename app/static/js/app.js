/* Beatbook page script: service worker, connection state, sign-out clean-up, error focus.
   Plain JavaScript, no framework; everything here only improves pages that work without it. */
(function () {
  "use strict";
  var PAGES_CACHE = "beatbook-pages";
  var beatbook = (window.beatbook = window.beatbook || {});
  // Features add checks that run before sign-out (the outbox warns about unsent records).
  beatbook.beforeSignOut = beatbook.beforeSignOut || [];

  function clearSavedPages() {
    var jobs = [];
    if (window.caches) jobs.push(caches.delete(PAGES_CACHE));
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear-pages" });
    }
    return Promise.all(jobs).catch(function () {});
  }
  beatbook.clearSavedPages = clearSavedPages;

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
    // Signed out (or never signed in): nothing of the last person stays in the page cache.
    if (document.body.hasAttribute("data-signed-out") || !document.body.dataset.user) {
      clearSavedPages();
    }
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
})();
