/* Service-worker part of the outbox: on Background Sync, send every waiting record (each
   with its own author's name: the server stores it only under that person's session), then
   tell open pages to redraw their lists. A part never imports a /static/ file itself (that URL
   would have no version, and every /static/ URL is cached for a year): it names what it needs
   on a "needs:" line, and /sw.js imports that first, at its versioned URL. */
// needs: js/outbox.js

self.addEventListener("sync", function (event) {
  if (event.tag !== self.beatbookOutbox.SYNC_TAG) return;
  event.waitUntil(
    self.beatbookOutbox.flush().then(function () {
      return self.clients.matchAll({ type: "window" });
    }).then(function (pages) {
      pages.forEach(function (p) { p.postMessage({ type: "outbox-changed" }); });
    })
  );
});
