/* Tasks pages: turn notifications on (only when the person presses the button), measure
   "nearby" from where the phone is, and answer through the shared outbox (docs/outbox.md):
   an answer is kept on the phone until the server has it, and the page shows what the phone
   holds. Plain JavaScript; the pages work without it (the forms post as they are). */
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

  // --- Answers (acknowledge, start, done, cannot do, accept, decline) via the outbox. ---
  // The form is kept on the phone (outbox.js's queue: its UUID, its author) and sent when
  // there is a signal, oldest first. The page shows the state the kept answers lead to and
  // lists them (data-answer-list); once they are sent it loads what the server holds. A refused
  // answer stays listed with the server's reason until it is discarded.
  var loadedAt = Date.now();

  function data(form, name) {
    try { return JSON.parse(form.getAttribute("data-" + name) || "{}"); } catch (e) { return {}; }
  }
  function outboxReady() {
    return !!(window.indexedDB && window.beatbookOutbox && window.beatbook && window.beatbook.outbox);
  }
  function targetOf(record) { return new URLSearchParams(record.body).get("state"); }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-tasking-answer") || !outboxReady()) return;
    var button = event.submitter;
    if (!button || button.name !== "state") return;
    // Ours, not outbox.js's own listener (it would keep the form without the button pressed).
    event.preventDefault();
    event.stopPropagation();
    var needed = data(form, "note-required")[button.value];
    var note = form.elements.note;
    if (needed && note && !note.value.trim()) { // refused here, before anything is kept
      showNoteError(form, needed);
      return;
    }
    showNoteError(form, "");
    var field = form.querySelector("input[type='hidden'][name='state']");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden"; field.name = "state";
      form.append(field);
    }
    field.value = button.value;
    form.setAttribute("data-outbox-label", button.textContent.trim());
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; }); // one tap, one answer
    window.beatbook.outbox.queue(form).then(updateAll, function (err) {
      console.warn("Outbox could not keep the answer", err);
      form.submit(); // posted as without JavaScript
    }).then(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  }, true); // capture: before outbox.js's listener on the document

  function showNoteError(form, message) {
    var note = form.elements.note;
    if (!note) return;
    var error = form.querySelector("[data-note-phone-error]");
    if (!error) {
      error = document.createElement("p");
      error.className = "field-error"; error.id = "note-phone-error";
      error.setAttribute("data-note-phone-error", "");
      note.parentNode.insertBefore(error, note);
    }
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      note.setAttribute("aria-invalid", "true");
      note.setAttribute("aria-describedby", error.id);
      note.focus();
    } else {
      note.removeAttribute("aria-invalid");
    }
  }

  function drawButtons(form, state) {
    var moves = data(form, "moves")[state] || [];
    var box = form.querySelector(".answer-buttons");
    box.replaceChildren.apply(box, moves.map(function (move) {
      var b = document.createElement("button");
      b.type = "submit"; b.name = "state"; b.value = move[0]; b.textContent = move[1];
      b.className = "button" + (move[0] === "declined" || move[0] === "cannot_do" ? " secondary" : "");
      return b;
    }));
    form.hidden = moves.length === 0;
  }

  function listItem(record) {
    var li = document.createElement("li");
    li.className = "outbox-item outbox-" + record.state;
    li.dataset.answer = record.state;
    var what = document.createElement("span");
    what.textContent = record.summary + " · " +
      new Date(record.made).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    var status = document.createElement("strong");
    status.className = "outbox-status";
    status.textContent = record.state === "error" ? "Not sent: " + Object.keys(record.errors || {})
      .map(function (k) { return record.errors[k]; }).join(" ") : "Saved on this phone, will send";
    li.append(what, " ", status);
    if (record.state === "error") {
      var drop = document.createElement("button");
      drop.type = "button"; drop.className = "button secondary"; drop.textContent = "Discard";
      drop.addEventListener("click", function () {
        window.beatbookOutbox.remove(record.uuid).then(updateAll);
      });
      li.append(drop);
    }
    return li;
  }

  // Show the state the phone's answers lead to; once one is sent, load what the server holds.
  function update(list) {
    var user = document.body.dataset.user || "";
    var action = list.getAttribute("data-action");
    var form = document.querySelector("form[data-tasking-answer][action='" + action + "']");
    return window.beatbookOutbox.recordsOf(user).then(function (records) {
      var mine = records.filter(function (r) { return r.action === action; })
        .sort(function (a, b) { return a.made - b.made; });
      var waiting = mine.filter(function (r) { return r.state === "waiting"; });
      var sentNow = mine.some(function (r) { return r.state === "sent" && r.sent >= loadedAt; });
      if (sentNow && !waiting.length && navigator.onLine) {
        var then = list.getAttribute("data-answered-url");
        if (then) window.location.replace(then); else window.location.reload();
        return;
      }
      var shown = mine.filter(function (r) { return r.state !== "sent"; });
      list.replaceChildren.apply(list, shown.map(listItem));
      list.hidden = shown.length === 0;
      var server = form && form.getAttribute("data-server-state");
      if (!server) return; // an offer on /tasks, or nothing left to answer
      var state = waiting.length ? targetOf(waiting[waiting.length - 1]) : server;
      var label = document.querySelector(".lede [data-state]");
      label.textContent = data(form, "labels")[state] || state;
      label.className = "state state-" + state;
      var status = document.querySelector("[data-answer-status]");
      status.hidden = !waiting.length;
      status.textContent = waiting.length ? "Saved on this phone, will send" : "";
      if (state !== (form.getAttribute("data-drawn") || server)) { // the page drew the server's
        form.setAttribute("data-drawn", state);
        drawButtons(form, state);
      }
    }).catch(function (err) { console.warn("Answers on this phone not shown", err); });
  }
  function updateAll() {
    var lists = document.querySelectorAll("[data-answer-list]");
    return Promise.all(Array.prototype.map.call(lists, update));
  }

  function watch() {
    if (!outboxReady() || !document.querySelector("[data-answer-list]")) return;
    document.addEventListener("outbox:flushed", updateAll);
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener("message", function (event) {
        if (event.data && event.data.type === "outbox-changed") updateAll();
      });
    }
    updateAll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
