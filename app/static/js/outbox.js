/* Beatbook outbox: records made on the phone wait in IndexedDB until the server has stored
   them (docs/outbox.md). Works in pages (forms marked data-outbox) and in the service worker
   (/sw.js imports this file, versioned, for sw-outbox.js's Background Sync). Each record keeps its author: it is
   only ever sent with that person's name, and the server refuses it under anyone else. */
(function (scope) {
  "use strict";
  var DB_NAME = "beatbook-outbox";
  var STORE = "records";
  var SYNC_TAG = "beatbook-outbox";
  var SENT_KEPT_MS = 24 * 3600 * 1000;
  // After a 5xx answer a record waits before it is sent again: 15 s, then twice as long each
  // time, never more than 10 minutes, each wait cut by a random part of up to half (jitter, so
  // that a team's phones do not all come back at once).
  var RETRY_FIRST_MS = 15 * 1000;
  var RETRY_MAX_MS = 10 * 60 * 1000;

  function backOff(record) {
    record.failures = (record.failures || 0) + 1;
    var wait = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * Math.pow(2, record.failures - 1));
    record.retryAt = Date.now() + wait * (0.5 + Math.random() / 2);
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(STORE, { keyPath: "uuid" }).createIndex("user", "user");
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode);
        var result = work(t.objectStore(STORE));
        t.oncomplete = function () { db.close(); resolve(result && result.result); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }

  function put(record) { return tx("readwrite", function (s) { s.put(record); }); }
  function remove(uuid) { return tx("readwrite", function (s) { s["delete"](uuid); }); }
  function recordsOf(user) {
    return tx("readonly", function (s) { return s.index("user").getAll(user || ""); })
      .then(function (all) { return (all || []).sort(function (a, b) { return b.made - a.made; }); });
  }
  function allRecords() { return tx("readonly", function (s) { return s.getAll(); }); }
  // The copies of records the server has stored (kept a day to show "Sent"): forgotten when
  // the session has gone. Unsent ones (waiting, or refused and to be fixed) stay.
  function forgetSent() {
    return tx("readwrite", function (s) {
      var req = s.openCursor();
      req.onsuccess = function () {
        var cursor = req.result;
        if (!cursor) return;
        if (cursor.value.state === "sent") cursor["delete"]();
        cursor["continue"]();
      };
    }).catch(function () {});
  }
  // The session has gone (a 401 to a record sent): the pages kept on the phone go too.
  function sessionGone() {
    // The kept pages and today's plan's map tiles (sw.js) go with the session.
    var kept = scope.caches ? Promise.all(["beatbook-pages", "beatbook-tiles"].map(function (name) {
      return scope.caches["delete"](name);
    })) : null;
    return Promise.resolve(kept).then(forgetSent).catch(function () {});
  }

  // Write what the server said of a record, unless the phone no longer holds that version of
  // it waiting (a page and the service worker may both send it; one settled it and it was
  // forgotten, or it was corrected since): a late answer never brings a record back.
  function settle(record) {
    return tx("readwrite", function (s) {
      var req = s.get(record.uuid);
      req.onsuccess = function () {
        var held = req.result;
        if (held && held.state === "waiting" && held.body === record.body) s.put(record);
      };
    });
  }

  // Send one record. Resolves "sent", "error" (the server refused its content), "server" (it
  // had a problem: the record backs off) or "wait".
  function send(record, csrf) {
    return fetch(record.action, {
      method: "POST",
      body: record.body,
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "accept": "application/json",
        "content-type": "application/x-www-form-urlencoded",
        "x-csrftoken": csrf || record.csrf,
        "x-outbox-user": record.user
      }
    }).then(function (response) {
      if (response.status >= 500) {
        backOff(record);
        return settle(record).then(function () { return "server"; });
      }
      var hadProblem = !!record.retryAt; // answered now: the server's problem is over
      record.failures = 0; record.retryAt = null;
      if (response.status === 200 || response.status === 201) {
        record.state = "sent"; record.sent = Date.now(); record.errors = null;
        return settle(record).then(function () { return "sent"; });
      }
      if (response.status === 400) {
        // A 400 without field errors (not JSON) is still final: "Not accepted".
        return response.json().catch(function () { return {}; }).then(function (answer) {
          record.state = "error"; record.errors = answer.errors || { "": "Not accepted" };
          return settle(record).then(function () { return "error"; });
        });
      }
      // Signed out, another person's session, or not there (401, 403, 404, 409): kept, as it
      // is. A 401: the session has gone, so what the phone kept for it goes (not this record).
      if (response.status === 401) {
        return sessionGone().then(function () {
          return hadProblem ? settle(record).then(function () { return "wait"; }) : "wait";
        });
      }
      return hadProblem ? settle(record).then(function () { return "wait"; }) : "wait";
    }, function () { return "wait"; });
  }

  var flushing = null;
  // Send the waiting records of `user` (or of everyone, from the worker: the server checks).
  function flush(user, csrf) {
    if (flushing) return flushing;
    var list = user === undefined ? allRecords() : recordsOf(user);
    flushing = list.then(function (records) {
      var now = Date.now();
      var chain = Promise.resolve();
      // Oldest first: a later record may build on an earlier one (a tasking acknowledged,
      // then started).
      records.slice().sort(function (a, b) { return a.made - b.made; }).forEach(function (r) {
        if (r.state === "sent" && now - r.sent > SENT_KEPT_MS) {
          chain = chain.then(function () { return remove(r.uuid); });
        } else if (r.state === "waiting" && !(r.retryAt > now)) { // not while backing off
          chain = chain.then(function (last) { return last === "wait" ? "wait" : send(r, csrf); });
        }
      });
      return chain;
    }).catch(function (err) { console.warn("Outbox not sent", err); })
      .then(function (result) {
        flushing = null;
        // Pages that show what was sent (today's plan) refresh themselves on this; the
        // worker has no document (its pages are told by sw-outbox.js).
        if (typeof document !== "undefined") document.dispatchEvent(new CustomEvent("outbox:flushed"));
        return result;
      });
    return flushing;
  }

  scope.beatbookOutbox = {
    flush: flush, recordsOf: recordsOf, allRecords: allRecords, put: put, remove: remove,
    forgetSent: forgetSent, SYNC_TAG: SYNC_TAG
  };
  if (typeof document === "undefined") return; // in the service worker: no page to draw

  var beatbook = (scope.beatbook = scope.beatbook || {});
  beatbook.beforeSignOut = beatbook.beforeSignOut || [];
  var unsent = 0; // records on this phone not yet stored by the server, whoever made them

  function currentUser() { return document.body.dataset.user || ""; }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"]; } catch (e) { return ""; }
  }
  function newUuid() {
    if (scope.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function localNow() {
    var d = new Date();
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  }

  // What the list shows for a record: the labels of its ticked choices.
  function summarise(form) {
    var parts = [];
    form.querySelectorAll("input:checked").forEach(function (input) {
      var label = form.querySelector("label[for='" + input.id + "']");
      if (label && input.type !== "hidden") parts.push(label.textContent.trim());
    });
    return parts.slice(0, 5).join(", ") || form.getAttribute("data-outbox-label") || "Record";
  }

  var STATUS = { waiting: "Saved on this phone, will send", sent: "Sent", error: "Not sent: needs fixing" };
  var retryTimer = null;

  function statusText(record) {
    if (record.state !== "waiting" || !record.retryAt) return STATUS[record.state];
    var wait = record.retryAt - Date.now();
    return "The server had a problem. Will try again " + (wait < 60000 ? "in a moment." :
      "at " + new Date(record.retryAt).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) + ".");
  }

  // Send again when the first backed-off record is due (if the page is still open then).
  function retryLater(records) {
    var now = Date.now();
    var due = records.filter(function (r) { return r.state === "waiting" && r.retryAt > now; })
      .map(function (r) { return r.retryAt; });
    clearTimeout(retryTimer);
    if (due.length) retryTimer = setTimeout(sendSoon, Math.min.apply(Math, due) - now);
  }

  function render() {
    var lists = document.querySelectorAll("[data-outbox-list]");
    allRecords().then(function (all) {
      unsent = (all || []).filter(function (r) { return r.state !== "sent"; }).length;
    }).catch(function () {});
    return recordsOf(currentUser()).then(function (records) {
      retryLater(records);
      // A form's note follows its last record: "Sent" replaces "Saved on this phone".
      document.querySelectorAll("[data-outbox-saved]").forEach(function (note) {
        var uuid = note.dataset.uuid;
        if (!uuid) return;
        var record = records.filter(function (r) { return r.uuid === uuid; })[0];
        if (!record) { note.hidden = true; note.textContent = ""; return; }
        note.hidden = false;
        note.dataset.state = record.state;
        note.textContent = statusText(record) + (record.state === "waiting" && !record.retryAt ? "." : "");
      });
      refreshShown(records);
      lists.forEach(function (list) {
        var action = list.getAttribute("data-outbox-list");
        var mine = records.filter(function (r) { return !action || r.action === action; });
        list.replaceChildren.apply(list, mine.map(item));
        list.hidden = mine.length === 0;
      });
    });
  }

  // Lists of what the server holds (a client's contacts) that a record sent from this phone
  // belongs in: fetched again from the page's own address once it has been stored, so it shows
  // at once (by the page or by the service worker; each record asked for once per page).
  var refreshed = {};
  function refreshShown(records) {
    document.querySelectorAll("[data-outbox-refresh]").forEach(function (shown) {
      var action = shown.getAttribute("data-outbox-refresh");
      var missingOnes = records.filter(function (r) {
        return r.action === action && r.state === "sent" && !refreshed[r.uuid] &&
          !shown.querySelector("[data-uuid='" + r.uuid + "']");
      });
      if (!missingOnes.length) return;
      missingOnes.forEach(function (r) { refreshed[r.uuid] = true; });
      var selector = shown.id ? "#" + shown.id : "[data-outbox-refresh='" + action + "']";
      fetch(scope.location.pathname, { credentials: "same-origin", headers: { "accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(selector);
          var current = document.querySelector(selector);
          if (fresh && current) current.replaceWith(document.importNode(fresh, true));
        }).catch(function () {});
    });
  }

  function item(record) {
    var li = document.createElement("li");
    li.className = "outbox-item outbox-" + record.state;
    li.dataset.uuid = record.uuid;
    li.dataset.state = record.state;
    if (record.state === "waiting" && record.retryAt) li.dataset.retryAt = record.retryAt; // 5xx
    var what = document.createElement("span");
    what.textContent = record.summary + " · " + new Date(record.made).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    var status = document.createElement("strong");
    status.className = "outbox-status";
    status.textContent = statusText(record);
    li.append(what, status);
    if (record.state === "error") {
      var problems = document.createElement("ul");
      Object.keys(record.errors || {}).forEach(function (field) {
        var p = document.createElement("li"); p.textContent = record.errors[field]; problems.append(p);
      });
      var fix = document.createElement("button");
      fix.type = "button"; fix.className = "button secondary"; fix.textContent = "Fix and send again";
      fix.addEventListener("click", function () { refill(record); });
      var drop = document.createElement("button");
      drop.type = "button"; drop.className = "button warning"; drop.textContent = "Discard";
      drop.addEventListener("click", function () {
        if (scope.confirm("Discard this record? It has not been sent.")) remove(record.uuid).then(render);
      });
      li.append(problems, fix, drop);
    }
    return li;
  }

  // Put a refused record's values back in its form to be corrected.
  function refill(record) {
    var form = document.querySelector("form[data-outbox][action='" + record.action + "']");
    if (!form) { scope.location.href = record.action; return; }
    var values = new URLSearchParams(record.body);
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "_csrf_token") return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.getAll(el.name).indexOf(el.value) !== -1;
      else if (values.has(el.name)) el.value = values.get(el.name);
    });
    form.querySelectorAll("details").forEach(function (d) { d.open = true; });
    Object.keys(record.errors || {}).forEach(function (name) {
      var field = form.querySelector("[name='" + name + "']");
      if (field) field.setAttribute("aria-invalid", "true");
    });
    var first = form.querySelector("[aria-invalid='true']") || form.querySelector("input, select");
    if (first) first.focus();
    // The record stays until it is saved again: same UUID, so the new version replaces it.
  }

  // What the server would refuse at once (a Save with nothing chosen) is refused on the phone,
  // before anything is queued: the message beside the field, as the server puts it.
  function clearMissing(box) {
    box.querySelectorAll("[data-outbox-error]").forEach(function (p) { p.remove(); });
    var field = box.querySelector(".field") || box;
    field.classList.remove("has-error");
    field.removeAttribute("aria-describedby");
    box.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }
  function missing(form) {
    var first = null;
    form.querySelectorAll("[data-outbox-required]").forEach(function (box) {
      var name = box.getAttribute("data-outbox-required");
      clearMissing(box);
      var filled = Array.prototype.some.call(form.querySelectorAll("[name='" + name + "']"), function (el) {
        return (el.type === "radio" || el.type === "checkbox") ? el.checked : el.value.trim() !== "";
      });
      if (filled) return;
      var field = box.querySelector(".field") || box;
      var p = document.createElement("p");
      p.className = "field-error"; p.id = name + "-error"; p.dataset.outboxError = "";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden"; hidden.textContent = "Error:";
      p.append(hidden, " " + box.getAttribute("data-outbox-message"));
      var legend = field.querySelector("legend, label");
      if (legend) legend.after(p); else field.prepend(p);
      field.classList.add("has-error");
      field.setAttribute("aria-describedby", p.id);
      var input = form.querySelector("[name='" + name + "']");
      if (input && input.type !== "radio" && input.type !== "checkbox") input.setAttribute("aria-invalid", "true");
      if (!first) first = field;
    });
    if (first) {
      first.scrollIntoView({ block: "center" });
      var focusable = first.querySelector("input, select, textarea");
      if (focusable) focusable.focus({ preventScroll: true });
    }
    return !!first;
  }

  function queue(form) {
    var uuidField = form.querySelector("input[name='uuid']");
    if (!uuidField.value) uuidField.value = newUuid();
    form.querySelectorAll("[data-outbox-now]").forEach(function (el) { if (!el.value) el.value = localNow(); });
    var record = {
      uuid: uuidField.value,
      user: currentUser(),
      action: form.getAttribute("action"),
      body: new URLSearchParams(new FormData(form)).toString(),
      csrf: csrfToken(),
      summary: summarise(form),
      made: Date.now(),
      state: "waiting"
    };
    return put(record).then(function () {
      resetForm(form);
      var note = form.querySelector("[data-outbox-saved]");
      if (note) {
        note.hidden = false; note.dataset.uuid = record.uuid; note.dataset.state = record.state;
        note.textContent = "Saved on this phone, will send.";
      }
      return render();
    }).then(function () { return sendSoon(); });
  }

  function resetForm(form) {
    form.reset();
    form.querySelectorAll("[data-outbox-now]").forEach(function (el) { el.value = ""; });
    form.querySelector("input[name='uuid']").value = newUuid();
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    locate(form);
  }

  function sendSoon() {
    if ("serviceWorker" in navigator && navigator.serviceWorker.controller) {
      navigator.serviceWorker.ready.then(function (reg) {
        if (reg.sync) return reg.sync.register(SYNC_TAG);
      }).catch(function () {});
    }
    if (!navigator.onLine) return Promise.resolve();
    return flush(currentUser(), csrfToken()).then(render);
  }

  // Position: filled in from the phone, accuracy shown, editable, and optional.
  function locate(form) {
    var box = form.querySelector("[data-outbox-position]");
    if (!box) return;
    var lat = form.querySelector("[name='lat']");
    var lng = form.querySelector("[name='lng']");
    var acc = form.querySelector("[name='accuracy_m']");
    var say = box.querySelector("[data-position-status]");
    if (!navigator.geolocation) { say.textContent = "No position on this phone: you can still save."; return; }
    // Asked for at once only where already allowed; otherwise on a tap (no prompt on load).
    var tap = box.querySelector("[data-find-position]");
    if (tap) tap.remove();  // a saved page's, or the last record's
    function offerTap() {
      tap = document.createElement("button");
      tap.type = "button";
      tap.className = "button secondary";
      tap.setAttribute("data-find-position", "");
      tap.textContent = "Use where I am";
      say.insertAdjacentElement("afterend", tap);
      tap.addEventListener("click", function () { tap.remove(); find(); });
    }
    if (navigator.permissions && navigator.permissions.query) {
      navigator.permissions.query({ name: "geolocation" }).then(function (p) {
        if (p.state === "granted") find(); else offerTap();
      }, offerTap);
    } else {
      offerTap();
    }
    [lat, lng].forEach(function (el) {
      el.addEventListener("input", function () { acc.value = ""; say.textContent = "Position typed in."; });
    });

    function find() {
    say.textContent = "Finding your position…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      acc.value = Math.round(pos.coords.accuracy);
      say.textContent = "Position found, accurate to about " + acc.value + " m.";
    }, function () {
      say.textContent = "No position: you can still save, or type one in.";
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    }
  }

  // For pages that post online with htmx and fall back to the outbox (patrol check-ins).
  beatbook.outbox = { queue: queue, sendSoon: sendSoon };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-outbox") || !scope.indexedDB) return;
    // data-outbox="offline": the page posts while online and queues only without a signal.
    if (form.getAttribute("data-outbox") === "offline" && navigator.onLine) return;
    event.preventDefault();
    if (missing(form)) return; // nothing queued
    var button = form.querySelector("[type='submit']");
    if (button) button.disabled = true; // one tap, one record
    queue(form).catch(function (err) {
      console.warn("Outbox could not save", err);
      form.submit();
    }).then(function () { if (button) button.disabled = false; });
  });

  document.addEventListener("change", function (event) {
    var box = event.target.closest && event.target.closest("form[data-outbox] [data-outbox-required]");
    if (box && box.querySelector("[data-outbox-error]")) clearMissing(box);
  });

  beatbook.beforeSignOut.push(function () {
    return unsent ? unsent + " record(s) made on this phone have not been sent yet. Signing out deletes them from this phone." : "";
  });

  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-changed") render();
    });
  }
  scope.addEventListener("online", sendSoon);

  function start() {
    if (!currentUser() || !scope.indexedDB) return;
    document.querySelectorAll("form[data-outbox]").forEach(function (form) {
      form.querySelector("input[name='uuid']").value = newUuid(); // a saved page's is used
      locate(form);
    });
    render().then(sendSoon);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(self);
