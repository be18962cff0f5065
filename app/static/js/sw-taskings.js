/* Service worker part for taskings: show a pushed notification and act on its buttons.
   The message holds no personal data (the area and an id); details load after sign-in. */
"use strict";

function beatbookShowTasking(data) {
  var options = {
    body: "Open Beatbook to see the details.",
    tag: data.kind === "shift" ? "shift-start" : "tasking-" + (data.tasking || ""),  // a message sent twice replaces, not repeats
    renotify: true,
    icon: "/static/icons/icon-192.png",
    data: data,
    requireInteraction: data.kind === "alert" || data.kind === "offer"
  };
  options.actions = data.kind === "offer" && data.token
    ? [{ action: "accept", title: "Accept" }, { action: "decline", title: "Decline" }]
    : [{ action: "open", title: "Open" }];
  return self.registration.showNotification(data.title || "Beatbook", options);
}

function beatbookOpen(url) {
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      if ("navigate" in list[i]) {
        return list[i].navigate(url).then(function (c) { return c && c.focus(); });
      }
    }
    return self.clients.openWindow(url);
  });
}

/* Accept or Decline: posted with the session cookie and the notification's own one-use token
   (the worker cannot read the page's CSRF token; the server checks this one instead). */
function beatbookNotificationClick(notification, action) {
  var data = notification.data || {};
  notification.close();
  // A shift's start (app/shifts/) carries no tasking: it opens the briefing.
  var url = data.kind === "shift" ? "/briefing" : (data.url || "/tasks");
  if ((action === "accept" || action === "decline") && data.token) {
    return fetch("/tasks/push/action", {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ m: data.m, token: data.token, action: action })
    }).then(function (response) {
      // Answered or not (signed out, already taken), the tasking's page says where it stands.
      return response.json().catch(function () { return {}; });
    }).catch(function () { return {}; }).then(function (result) {
      return beatbookOpen(result.url || url).catch(function () {});
    });
  }
  return beatbookOpen(url);
}

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(beatbookShowTasking(data));
});

self.addEventListener("notificationclick", function (event) {
  event.waitUntil(beatbookNotificationClick(event.notification, event.action));
});
