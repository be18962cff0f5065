/* Home screen: measure the next patrol point from where the phone is, on a tap only (the
   page never asks for the position on load). Plain JavaScript; the page works without it. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var here = event.target.closest("[data-home-location]");
    if (!here || !navigator.geolocation) return;
    event.preventDefault();
    navigator.geolocation.getCurrentPosition(function (pos) {
      window.location.href = "/?lat=" + pos.coords.latitude.toFixed(5) +
        "&lng=" + pos.coords.longitude.toFixed(5);
    }, function () { here.textContent = "Your location is not available"; }, { timeout: 10000 });
  });
})();
