/* Briefing: find the phone's position and load the briefing for it. The position is asked for
   on a tap ("Use where I am"), or at once only where the person already allowed it (never a
   permission prompt on load). If the position is refused, slow or less accurate than the
   radius, the home team area stays, saying why.
   The people section (police only; each look is audited) waits until the place has settled:
   it is fetched for the home area only once the home area is what stays on screen, never
   while the page is about to switch to the phone's position. */
(function () {
  "use strict";
  var root = document.querySelector("[data-briefing]");
  if (!root) return;
  var status = root.querySelector("[data-locate-status]");
  var button = root.querySelector("[data-use-position]");
  var radius = parseInt(root.getAttribute("data-radius"), 10) || 500;
  var home = root.getAttribute("data-home") || root.getAttribute("data-home-area");
  var waiting = root.querySelector("[data-wait-for-place]");
  // htmx binds its triggers on DOMContentLoaded (its listener was added first, by its script
  // before this one): an event sent before then would be lost.
  var loaded = document.readyState === "complete";
  var queued = null;
  document.addEventListener("DOMContentLoaded", function () {
    loaded = true;
    if (queued) queued();
  });

  function say(text) { if (status) status.textContent = text; }

  // The place on screen is the one that stays: ask htmx for the people section now.
  function settled() {
    var section = waiting;
    waiting = null;
    if (!section) return;
    var send = function () { if (window.htmx) window.htmx.trigger(section, "place-settled"); };
    if (loaded) send();
    else queued = send;
  }

  function fallBack(reason) {
    say("");
    var message = root.querySelector('[data-fallback="' + reason + '"]');
    if (message) {
      // The home team area is already on the page: say why, without a reload (the saved
      // offline copy is this page's, so the URL stays as it is).
      root.querySelector("[data-where]").hidden = true;
      message.hidden = false;
      settled();
    } else if (home) {
      window.location.assign("/briefing?area=" + home + "&radius=" + radius + "&fallback=" + reason);
    } else {
      say("Your position is not available: choose a place below.");
      settled();
    }
  }

  function locate() {
    if (!navigator.geolocation) { fallBack("unavailable"); return; }
    say("Finding your position…");
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      if (c.accuracy > radius) { fallBack("inaccurate"); return; }
      // The briefing for the position is another page: its people section loads there.
      window.location.replace("/briefing?lat=" + c.latitude.toFixed(5) + "&lng=" +
        c.longitude.toFixed(5) + "&radius=" + radius + "&acc=" + Math.round(c.accuracy));
    }, function (error) {
      fallBack(error.code === 1 ? "refused" : error.code === 3 ? "slow" : "unavailable");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  if (button && navigator.geolocation) button.addEventListener("click", locate);
  else if (button) button.hidden = true;
  // Opened without a place (the home area is shown meanwhile): use the phone's position at once
  // only where it was already allowed; otherwise the home area stays until a tap. Offline, the
  // home area stays.
  function allowed() {
    if (!navigator.geolocation || !navigator.permissions || !navigator.permissions.query) {
      return Promise.resolve(false);
    }
    return navigator.permissions.query({ name: "geolocation" })
      .then(function (p) { return p.state === "granted"; }, function () { return false; });
  }
  if (root.hasAttribute("data-locate") && navigator.onLine) {
    allowed().then(function (yes) { if (yes) locate(); else settled(); });
  } else {
    settled();
  }
})();
