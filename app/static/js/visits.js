/* Home visits on the phone: one section per screen without a page load, a visit timer, advice
   as answers call for it, and answers given without a connection kept in the shared outbox
   (outbox.js) until they are sent. Plain JavaScript; the pages work without it (each section
   posts as a form). */
(function () {
  "use strict";
  var beatbook = (window.beatbook = window.beatbook || {});

  // --- Answers given without a connection go to the shared outbox (outbox.js, docs/outbox.md):
  // the same per-person IndexedDB queue, sign-out warning and resending (on `online`, at app
  // start, by Background Sync) as logging and patrol check-ins. Each answer is its own record
  // (a fresh UUID) with the phone's time it was given (`at`): the server keeps the answer given
  // last, whatever order they arrive in, and answers a replay "already stored".
  var ANSWER_URL = /^\/visits\/[^/]+\/answers\/[^/]+$/;

  function keptRecords() {
    var store = window.beatbookOutbox;
    if (!store || !window.indexedDB) return Promise.resolve([]);
    return store.recordsOf(document.body.dataset.user || "").then(function (records) {
      return records.filter(function (r) { return ANSWER_URL.test(r.action); });
    }, function () { return []; });
  }
  function waiting() {
    return keptRecords().then(function (records) {
      return records.filter(function (r) { return r.state === "waiting"; });
    });
  }
  // How many visit answers wait on this phone (for the bar, and for tests).
  beatbook.visitAnswersWaiting = function () {
    return waiting().then(function (records) { return records.length; });
  };

  function questionValues(block) {
    var name = "q_" + block.dataset.question;
    var values = [];
    block.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      values.push(input.value);
    });
    return { name: name, values: values };
  }
  function blockFor(action) {
    return document.querySelector("[data-question][hx-post='" + action + "']");
  }

  function showQueued() {
    var box = document.querySelector("[data-visit-queue]");
    if (!box) return Promise.resolve();
    return waiting().then(function (records) {
      var count = records.length;
      box.hidden = count === 0;
      box.textContent = count + (count === 1 ? " answer" : " answers") + " kept on this phone, to send";
    });
  }

  // Hand one answer to the outbox: a form made for it, never shown (the section's own form
  // must keep its answers, and the outbox clears the form it queues).
  function keep(block) {
    if (!(beatbook.outbox && window.indexedDB)) return Promise.resolve();
    var answer = questionValues(block);
    var form = document.createElement("form");
    form.setAttribute("action", block.getAttribute("hx-post"));
    var label = block.querySelector("legend, label");
    form.setAttribute("data-outbox-label", "Visit answer: " +
      (label ? label.textContent.trim() : block.dataset.question));
    function field(name, value) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = name; input.value = value;
      form.append(input);
    }
    field("uuid", "");
    answer.values.forEach(function (v) { field(answer.name, v); });
    field("at", String(Number(block.dataset.at) || Date.now()));
    return beatbook.outbox.queue(form).then(showQueued, function (err) {
      console.warn("Visit answer not kept", err);
    });
  }

  // An answer refused for good (a bad value, or the visit was submitted or discarded since):
  // its message goes beside the question, and the phone stops sending it.
  function showRefused(record) {
    // Forgotten first, then shown: once the message is on screen the phone no longer holds it.
    return window.beatbookOutbox.remove(record.uuid).then(function () {
      var block = blockFor(record.action);
      if (!block) return;
      var name = "q_" + block.dataset.question;
      var errors = record.errors || {};
      var message = errors[name] || errors[Object.keys(errors)[0]] || "This answer was not kept";
      var error = block.querySelector(".field-error");
      if (!error) {
        error = document.createElement("p");
        var before = block.querySelector(".choices, .chip-row, input[name='" + name + "']");
        before.parentNode.insertBefore(error, before);
      }
      error.className = "field-error";
      error.id = name + "-error";
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = "Error:";
      error.replaceChildren(hidden, document.createTextNode(" " + message));
      block.classList.add("has-error");
      var text = block.querySelector("input[type='text']");
      if (text) text.setAttribute("aria-invalid", "true");
    });
  }
  function afterFlush() {
    return keptRecords().then(function (records) {
      return Promise.all(records.filter(function (r) { return r.state === "error"; }).map(showRefused));
    }).then(showQueued);
  }
  document.addEventListener("outbox:flushed", afterFlush);

  // Send what the phone keeps (twice if answers were queued while a send was under way);
  // resolves the number still waiting.
  function sendKept() {
    function once() {
      var sent = beatbook.outbox && navigator.onLine ? beatbook.outbox.sendSoon() : null;
      return Promise.resolve(sent).then(afterFlush).then(waiting);
    }
    return once().then(function (left) {
      return left.length && navigator.onLine ? once() : left;
    }).then(function (left) { return left.length; });
  }

  // --- Sending answers: htmx posts each as it is given; failures go to the outbox. ---
  document.addEventListener("htmx:configRequest", function (event) {
    var block = event.detail.elt;
    if (!block.dataset || !block.dataset.question) return;
    var at = Date.now();
    block.dataset.at = at;
    event.detail.parameters.at = String(at);
  });
  document.addEventListener("htmx:sendError", function (event) {
    var block = event.detail.elt;
    if (block.dataset && block.dataset.question) keep(block);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var block = event.detail.elt;
    if (!block.dataset || !block.dataset.question || !event.detail.xhr) return;
    var status = event.detail.xhr.status;
    if (status === 401 || status === 403 || status >= 500) {
      // The session ended mid-visit, or the server had a problem: kept in the outbox, which
      // sends it again (after a 5xx, backing off as docs/outbox.md says).
      keep(block);
    } else if (status >= 200 && status < 500) {
      // An answer the server took makes older ones still waiting for this question moot.
      var action = block.getAttribute("hx-post");
      var at = Number(block.dataset.at);
      waiting().then(function (records) {
        return Promise.all(records.filter(function (r) {
          return r.action === action && Number(new URLSearchParams(r.body).get("at")) <= at;
        }).map(function (r) { return window.beatbookOutbox.remove(r.uuid); }));
      }).then(showQueued);
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    // A refused answer comes back as 400 with the message beside the question: show it.
    if (event.detail.xhr.status === 400 && event.detail.elt.dataset.question) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // --- Advice shown as answers call for it (mirrors checklist.fires on the server). ---
  function fires(block, values) {
    return matches(block, values, JSON.parse(block.dataset.when || "[]"));
  }
  function matches(block, values, when) {
    if (!values.length || values[0] === "") return false;
    if (block.dataset.kind === "number") {
      var n = Number(values[0]);
      return when.some(function (w) {
        var m = /^(<=|>=|<|>|=)?(.*)$/.exec(w);
        var op = m[1] || "=", limit = Number(m[2]);
        if (op === "<=") return n <= limit;
        if (op === ">=") return n >= limit;
        if (op === "<") return n < limit;
        if (op === ">") return n > limit;
        return n === limit;
      });
    }
    return values.some(function (v) { return when.indexOf(v) !== -1; });
  }
  // --- Questions asked only when an earlier answer calls for them (each block's
  // data-ask-if, the template's `ask_if`; mirrors checklist.asked on the server). A question
  // hidden again loses its answer on the phone as the server drops it. ---
  function askedNow(block) {
    var rule = block.dataset.askIf ? JSON.parse(block.dataset.askIf) : null;
    if (!rule) return true;
    var earlier = document.getElementById("question-" + rule.question);
    if (!earlier) return true; // a rule naming no question on the page: always asked
    if (earlier.hidden) return false;
    return matches(earlier, questionValues(earlier).values, rule.when || []);
  }
  function showAsked() {
    document.querySelectorAll("[data-question][data-ask-if]").forEach(function (block) {
      var shown = askedNow(block);
      if (block.hidden === !shown) return;
      block.hidden = !shown;
      if (!shown) {
        block.querySelectorAll("input").forEach(function (input) {
          if (input.type === "radio" || input.type === "checkbox") input.checked = false;
          else input.value = "";
        });
        var advice = block.querySelector("[data-advice]");
        if (advice) advice.hidden = true;
      }
    });
  }
  beatbook.showAskedQuestions = showAsked;
  document.addEventListener("change", function (event) {
    var block = event.target.closest("[data-question]");
    if (!block) return;
    var advice = block.querySelector("[data-advice]");
    if (advice) advice.hidden = !fires(block, questionValues(block).values);
    showAsked();
  });
  // A question swapped in by htmx (the answer the server kept) may change what is asked.
  document.addEventListener("htmx:afterSettle", showAsked);

  // --- One section per screen, moved between without the network. ---
  function showSection(number) {
    var visit = document.querySelector("[data-visit]");
    if (!visit) return;
    visit.querySelectorAll("[data-section]").forEach(function (form) {
      form.hidden = Number(form.dataset.section) !== number;
    });
    var intro = visit.querySelector("[data-intro]");
    if (intro) intro.hidden = number !== 1;
    var url = new URL(window.location.href);
    url.searchParams.set("section", number);
    history.replaceState(null, "", url.pathname + url.search);
    window.scrollTo(0, 0);
    var heading = visit.querySelector("[data-section='" + number + "'] h1");
    if (heading) { document.title = heading.textContent + " – Beatbook"; heading.focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-section]")) return;
    event.preventDefault(); // every answer was sent (or queued) as it was given
    var visit = document.querySelector("[data-visit]");
    var number = Number(form.dataset.section);
    if (number < Number(visit.dataset.total)) {
      showSection(number + 1);
      return;
    }
    var offline = document.querySelector("[data-visit-offline]");
    sendKept().then(function (left) {
      if (navigator.onLine && left === 0) {
        window.location.href = "/visits/" + visit.dataset.visit + "/check";
      } else if (offline) {
        offline.hidden = false;
      }
    });
  });
  document.addEventListener("click", function (event) {
    var back = event.target.closest("[data-back]");
    if (!back) return;
    event.preventDefault();
    showSection(Number(back.dataset.back));
  });

  // --- The visit timer against the 30-minute guide. ---
  // Says what it means, as the server's views.timer_text does: "25 minutes left of 30".
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function tick() {
    var timer = document.querySelector("[data-visit-timer]");
    if (!timer) return;
    var text = timer.querySelector("[data-visit-timer-text]") || timer;
    var length = Number(timer.dataset.minutes) || 30;
    var gone = Math.max(0, Math.floor((Date.now() - Date.parse(timer.dataset.started)) / 60000));
    if (gone < length) text.textContent = plural(length - gone, "minute") + " left of " + length;
    else if (gone === length) text.textContent = length + " minutes up";
    else text.textContent = plural(gone - length, "minute") + " over the " + length;
    timer.classList.toggle("over", gone >= length);
  }

  // --- Starting: the visit's id is made here, so a start sent twice is one visit. ---
  function prepareStart() {
    var form = document.querySelector("[data-visit-start]");
    if (!form) return;
    var id = form.querySelector("[data-visit-uuid]");
    if (id && !id.value && window.crypto && crypto.randomUUID) id.value = crypto.randomUUID();
    var locate = form.querySelector("[data-visit-locate]");
    if (!locate || !navigator.geolocation) return;
    locate.hidden = false;
    locate.addEventListener("click", function () {
      var status = form.querySelector("[data-visit-point-status]");
      status.textContent = "Finding your location…";
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[data-visit-lat]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[data-visit-lng]").value = position.coords.longitude.toFixed(6);
        status.textContent = "Location recorded (to within " + Math.round(position.coords.accuracy) + " m).";
      }, function () {
        status.textContent = "Your location could not be found: the visit can go ahead without it.";
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  // A page reloaded offline comes from the service worker's copy, drawn before the answers
  // kept on the phone were given: show those answers in it, the last given last. Answers sent
  // since this page was asked for count too (the server drew it before they arrived).
  function showKeptAnswers() {
    var loaded = performance.timeOrigin || 0;
    return keptRecords().then(function (records) {
      records.filter(function (r) {
        return r.state === "waiting" || (r.state === "sent" && r.sent >= loaded);
      }).map(function (r) {
        var body = new URLSearchParams(r.body);
        return { action: r.action, body: body, at: Number(body.get("at")) || r.made };
      }).sort(function (a, b) { return a.at - b.at; }).forEach(function (kept) {
        var block = blockFor(kept.action);
        if (!block) return;
        var name = "q_" + block.dataset.question;
        var values = kept.body.getAll(name);
        block.querySelectorAll("[name='" + name + "']").forEach(function (input) {
          if (input.type === "radio" || input.type === "checkbox") {
            input.checked = values.indexOf(input.value) !== -1;
          } else {
            input.value = values[0] || "";
          }
        });
        var advice = block.querySelector("[data-advice]");
        if (advice) advice.hidden = !fires(block, values);
      });
      showAsked();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    prepareStart();
    showKeptAnswers().then(showQueued);
    tick();
    if (document.querySelector("[data-visit-timer]")) setInterval(tick, 1000);
  });
})();
