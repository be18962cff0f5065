/* Today's patrol plan: keep the phone's position in each check-in form, stamp the time of a
   check-in when it is made, and refresh distances when the position first arrives. */
(function () {
  "use strict";
  var fix = null;
  var shownAt = null;

  function fill() {
    if (!fix) return;
    document.querySelectorAll("form[data-check-in]").forEach(function (form) {
      form.elements.lat.value = fix.lat.toFixed(6);
      form.elements.lng.value = fix.lng.toFixed(6);
      form.elements.accuracy.value = Math.round(fix.accuracy);
    });
  }

  function moved(a, b) {
    // Rough metres: enough to decide whether distances on the page are stale.
    var dy = (a.lat - b.lat) * 111320;
    var dx = (a.lng - b.lng) * 111320 * Math.cos(a.lat * Math.PI / 180);
    return Math.sqrt(dx * dx + dy * dy);
  }

  function refresh() {
    if (!window.htmx || !fix) return;
    var url = "/plan?lat=" + fix.lat.toFixed(6) + "&lng=" + fix.lng.toFixed(6) +
      "&accuracy=" + Math.round(fix.accuracy);
    htmx.ajax("GET", url, { target: "#plan-list", swap: "innerHTML" });
    shownAt = fix;
  }

  function status(text) {
    var node = document.querySelector("[data-position-status]");
    if (node) node.textContent = text;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("plan-list")) return;
    if (!("geolocation" in navigator)) {
      status("This phone gives no position: check in by hand with a reason.");
      return;
    }
    navigator.geolocation.watchPosition(function (position) {
      fix = { lat: position.coords.latitude, lng: position.coords.longitude,
              accuracy: position.coords.accuracy };
      status("Your position is known to within " + Math.round(fix.accuracy) + " m.");
      fill();
      if (!shownAt || moved(fix, shownAt) > 25) refresh();
    }, function () {
      status("No position (refused or unavailable): check in by hand with a reason.");
    }, { enableHighAccuracy: true, maximumAge: 15000, timeout: 20000 });
  });

  document.addEventListener("htmx:afterSwap", fill);
  // The time of a check-in is when it is made, even if it is sent later.
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-check-in]")) {
      fill();
      event.target.elements.at.value = new Date().toISOString();
    }
  }, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-check-in]");
    if (form && !event.detail.parameters.at) {
      event.detail.parameters.at = new Date().toISOString();
    }
  });
})();
