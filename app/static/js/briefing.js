/* Briefing: find the phone's position and load the briefing for it. If the position is
   refused, slow or less accurate than the radius, the home team area stays, saying why. */
(function () {
  "use strict";
  var root = document.querySelector("[data-briefing]");
  if (!root) return;
  var status = root.querySelector("[data-locate-status]");
  var button = root.querySelector("[data-use-position]");
  var radius = parseInt(root.getAttribute("data-radius"), 10) || 500;
  var home = root.getAttribute("data-home") || root.getAttribute("data-home-area");

  function say(text) { if (status) status.textContent = text; }

  function fallBack(reason) {
    say("");
    var message = root.querySelector('[data-fallback="' + reason + '"]');
    if (message) {
      // The home team area is already on the page: say why, without a reload (the saved
      // offline copy is this page's, so the URL stays as it is).
      root.querySelector("[data-where]").hidden = true;
      message.hidden = false;
    } else if (home) {
      window.location.assign("/briefing?area=" + home + "&radius=" + radius + "&fallback=" + reason);
    } else {
      say("Your position is not available: choose a place below.");
    }
  }

  function locate() {
    if (!navigator.geolocation) { fallBack("unavailable"); return; }
    say("Finding your position…");
    navigator.geolocation.getCurrentPosition(function (position) {
      var c = position.coords;
      if (c.accuracy > radius) { fallBack("inaccurate"); return; }
      window.location.replace("/briefing?lat=" + c.latitude.toFixed(5) + "&lng=" +
        c.longitude.toFixed(5) + "&radius=" + radius + "&acc=" + Math.round(c.accuracy));
    }, function (error) {
      fallBack(error.code === 1 ? "refused" : error.code === 3 ? "slow" : "unavailable");
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", locate);
  }
  // Opened without a place (the home area is shown meanwhile): try the phone's position once.
  if (root.hasAttribute("data-locate") && navigator.onLine) locate();
})();
