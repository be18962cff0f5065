/* Tasks pages: turn notifications on (only when the person presses the button) and
   measure "nearby" from where the phone is. Plain JavaScript; the pages work without it. */
(function () {
  "use strict";

  function keyBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"]; }
    catch (e) { return ""; }
  }

  function turnOn(button, status) {
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      status.textContent = "This browser cannot get notifications.";
      return;
    }
    button.disabled = true;
    status.textContent = "Turning notifications on…";
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        throw new Error("Notifications are blocked: allow them in this browser's site settings.");
      }
      return Promise.all([
        navigator.serviceWorker.ready,
        fetch("/tasks/push/key", { credentials: "same-origin", headers: { accept: "application/json" } })
          .then(function (r) { return r.json(); })
      ]);
    }).then(function (got) {
      var registration = got[0];
      return registration.pushManager.getSubscription().then(function (old) {
        return old || registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(got[1].key)
        });
      });
    }).then(function (subscription) {
      return fetch("/tasks/push/subscriptions", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrftoken": csrfToken() },
        body: JSON.stringify(subscription.toJSON())
      });
    }).then(function (response) {
      if (response.ok) { window.location.reload(); return; }
      // A 400 says why (a push service this server does not send to); others: try again.
      return response.json().catch(function () { return {}; }).then(function (body) {
        throw new Error((response.status === 400 && body.error) ||
          "The server did not save this device. Try again.");
      });
    }).catch(function (err) {
      status.textContent = (err && err.message) || "Notifications could not be turned on.";
      button.disabled = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-push-on]");
    if (button) {
      turnOn(button, document.querySelector("[data-push-status]"));
      return;
    }
    var here = event.target.closest("[data-use-location]");
    if (here && navigator.geolocation) {
      event.preventDefault();
      navigator.geolocation.getCurrentPosition(function (pos) {
        window.location.href = "/tasks?lat=" + pos.coords.latitude.toFixed(5) +
          "&lng=" + pos.coords.longitude.toFixed(5);
      }, function () { here.textContent = "Your location is not available"; }, { timeout: 10000 });
    }
  });
})();
