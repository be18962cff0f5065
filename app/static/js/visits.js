/* Home visits on the phone: one section per screen without a page load, a visit timer, advice
   as answers call for it, and answers kept on the phone when the network fails (sent later).
   Plain JavaScript; the pages work without it (each section posts as a form).

   The phone's queue is the `queue` object below: put(), all(), remove(). It is the seam for the
   shared offline outbox (docs/visits.md): swap its three functions for the outbox's. */
(function () {
  "use strict";
  var beatbook = (window.beatbook = window.beatbook || {});

  // --- The queue: answers the server has not confirmed, one per visit and question. ---
  function storageKey() {
    return "beatbook-visit-answers:" + (document.body.dataset.user || "");
  }
  var queue = {
    all: function () {
      try { return JSON.parse(localStorage.getItem(storageKey()) || "{}"); }
      catch (e) { return {}; }
    },
    put: function (entry) {
      var items = queue.all();
      var old = items[entry.url];
      if (!old || old.at <= entry.at) items[entry.url] = entry; // the last answer given wins
      localStorage.setItem(storageKey(), JSON.stringify(items));
    },
    remove: function (url, at) {
      var items = queue.all();
      if (items[url] && (at === undefined || items[url].at <= at)) delete items[url];
      localStorage.setItem(storageKey(), JSON.stringify(items));
    }
  };
  beatbook.visitQueue = queue;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"]; }
    catch (e) { return ""; }
  }

  function questionValues(block) {
    var name = "q_" + block.dataset.question;
    var values = [];
    block.querySelectorAll("[name='" + name + "']").forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      values.push(input.value);
    });
    return { name: name, values: values };
  }

  function showQueued() {
    var box = document.querySelector("[data-visit-queue]");
    if (!box) return;
    var count = Object.keys(queue.all()).length;
    box.hidden = count === 0;
    box.textContent = count + (count === 1 ? " answer" : " answers") + " kept on this phone, to send";
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    var items = queue.all();
    var urls = Object.keys(items);
    if (!urls.length) return Promise.resolve();
    flushing = true;
    return urls.reduce(function (chain, url) {
      return chain.then(function () {
        var entry = items[url];
        var body = new URLSearchParams();
        entry.values.forEach(function (v) { body.append(entry.name, v); });
        body.append("at", String(entry.at));
        return fetch(url, {
          method: "POST", body: body, credentials: "same-origin",
          headers: { "x-csrftoken": csrfToken(), "hx-request": "true" }
        }).then(function (response) {
          // 2xx: kept. 400/404: refused for good (a bad answer, a visit already submitted):
          // show why and drop it. Signed out (401) or refused (403): keep it for later.
          if (response.ok || response.status === 400 || response.status === 404) {
            queue.remove(url, entry.at);
          }
          if (response.status === 400) {
            return response.text().then(function (html) { showRefused(entry, html); });
          }
        });
      });
    }, Promise.resolve()).catch(function () { /* still offline: try again later */ })
      .then(function () { flushing = false; showQueued(); });
  }
  beatbook.flushVisitAnswers = flush;

  function showRefused(entry, html) {
    var block = document.getElementById("question-" + entry.name.slice(2));
    if (!block || !window.htmx) return;
    block.outerHTML = html;
    htmx.process(document.getElementById("question-" + entry.name.slice(2)));
  }

  // --- Sending answers: htmx posts each as it is given; failures go to the queue. ---
  document.addEventListener("htmx:configRequest", function (event) {
    var block = event.detail.elt;
    if (!block.dataset || !block.dataset.question) return;
    var at = Date.now();
    block.dataset.at = at;
    event.detail.parameters.at = String(at);
  });
  function keep(block) {
    var answer = questionValues(block);
    queue.put({ url: block.getAttribute("hx-post"), name: answer.name, values: answer.values,
                at: Number(block.dataset.at) || Date.now() });
    showQueued();
  }
  document.addEventListener("htmx:sendError", function (event) {
    var block = event.detail.elt;
    if (block.dataset && block.dataset.question) keep(block);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var block = event.detail.elt;
    if (!block.dataset || !block.dataset.question || !event.detail.xhr) return;
    var status = event.detail.xhr.status;
    if (status === 401 || status === 403) {
      keep(block); // the session ended mid-visit: keep the answer until they sign in again
    } else if (status >= 200 && status < 500) {
      // An answer the server took replaces an older one still waiting on the phone.
      queue.remove(block.getAttribute("hx-post"), Number(block.dataset.at));
    }
    showQueued();
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
    var when = JSON.parse(block.dataset.when || "[]");
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
  document.addEventListener("change", function (event) {
    var block = event.target.closest("[data-question]");
    if (!block) return;
    var advice = block.querySelector("[data-advice]");
    if (advice) advice.hidden = !fires(block, questionValues(block).values);
  });

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
    flush().then(function () {
      if (navigator.onLine && Object.keys(queue.all()).length === 0) {
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
  function tick() {
    var timer = document.querySelector("[data-visit-timer]");
    if (!timer) return;
    var seconds = Math.max(0, Math.floor((Date.now() - Date.parse(timer.dataset.started)) / 1000));
    var minutes = Math.floor(seconds / 60);
    timer.textContent = minutes + ":" + String(seconds % 60).padStart(2, "0") + " of 30 minutes";
    timer.classList.toggle("over", minutes >= 30);
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
  // kept on the phone were given: show those answers in it.
  function showKeptAnswers() {
    var items = queue.all();
    Object.keys(items).forEach(function (url) {
      var entry = items[url];
      var block = document.querySelector("[data-question][hx-post='" + url + "']");
      if (!block) return;
      block.querySelectorAll("[name='" + entry.name + "']").forEach(function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          input.checked = entry.values.indexOf(input.value) !== -1;
        } else {
          input.value = entry.values[0] || "";
        }
      });
      var advice = block.querySelector("[data-advice]");
      if (advice) advice.hidden = !fires(block, entry.values);
    });
  }

  beatbook.beforeSignOut = beatbook.beforeSignOut || [];
  beatbook.beforeSignOut.push(function () {
    var count = Object.keys(queue.all()).length;
    return count ? count + " visit answers have not been sent yet." : "";
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", function () {
    prepareStart();
    showKeptAnswers();
    showQueued();
    flush();
    tick();
    if (document.querySelector("[data-visit-timer]")) setInterval(tick, 1000);
  });
})();
