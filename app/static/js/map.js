/* Maps: every [data-map] element gets a Leaflet map drawn from its data-map JSON (app/maps.py):
   tiles when BEATBOOK_TILE_URL is set, else a plain ground; boundaries, points, a circle, rings
   around points (a problem's places), the person's position; a tap or click fills a form's latitude and longitude when "pick" is set.
   The server-drawn picture next to it ([data-map-fallback]) stays for pages without script. */
(function () {
  "use strict";
  if (!window.L) return;
  var L = window.L;
  var NAVY = "#1d3f73";
  var STYLES = {
    incident: { radius: 6, color: "#ffffff", weight: 1.5, fillColor: "#b1102b", fillOpacity: 0.9 },
    crime: { radius: 6, color: "#ffffff", weight: 1.5, fillColor: "#6f3fb5", fillOpacity: 0.9 },
    repeat: { radius: 11, color: "#b1102b", weight: 3, fillColor: "#f4c542", fillOpacity: 0.8 },
    plan: { radius: 9, color: "#ffffff", weight: 2, fillColor: NAVY, fillOpacity: 1 },
    visit: { radius: 5, color: "#ffffff", weight: 1, fillColor: NAVY, fillOpacity: 0.8 },
    place: { radius: 8, color: "#ffffff", weight: 1.5, fillColor: NAVY, fillOpacity: 0.75 },
    pick: { radius: 9, color: "#0b0c0c", weight: 3, fillColor: "#ffdd00", fillOpacity: 1 },
  };

  function style(kind, extra) {
    var base = STYLES[kind] || STYLES.place;
    var out = { className: "map-point map-point-" + kind };
    for (var key in base) out[key] = base[key];
    for (var more in extra || {}) out[more] = extra[more];
    return out;
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function draw(element) {
    var config;
    try { config = JSON.parse(element.getAttribute("data-map")); } catch (e) { return; }
    var map = L.map(element, { attributionControl: true, zoomSnap: 0.5, tap: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    // A view first: layers are projected as they are added (fitted to them below).
    map.setView(config.centre || [54.0, -2.5], config.centre ? 14 : 6);
    var layers = [];
    if (config.tiles) {
      L.tileLayer(config.tiles, {
        attribution: config.tileAttribution || "",
        maxZoom: 19,
        crossOrigin: false,
      }).addTo(map);
    } else {
      element.classList.add("map-plain");
    }
    (config.attribution || []).forEach(function (credit) {
      map.attributionControl.addAttribution(credit.replace(/</g, "&lt;"));
    });
    (config.boundaries || []).forEach(function (b) {
      var layer = L.geoJSON(b.geojson, {
        style: {
          color: NAVY,
          weight: 2.5,
          dashArray: b.approximate ? "6 4" : null,
          fillColor: NAVY,
          fillOpacity: 0.06,
          className: "map-boundary",
        },
        interactive: false,
      }).addTo(map);
      layers.push(layer);
    });
    if (config.circle) {
      var c = config.circle;
      L.circle([c.lat, c.lng], {
        radius: c.radius, color: "#505a5f", weight: 1.5, dashArray: "4 4", fill: false,
        className: "map-circle", interactive: false,
      }).addTo(map);
      // Its bounds from the radius (a circle's getBounds needs the map's view, not set yet).
      layers.push({ bounds: L.latLng(c.lat, c.lng).toBounds(2 * c.radius) });
    }
    // Rings around points (a problem's places: the circle counted, the displacement ring).
    (config.rings || []).forEach(function (r) {
      L.circle([r.lat, r.lng], {
        radius: r.radius, color: r.kind === "displacement" ? "#b1102b" : NAVY, weight: 1.5,
        dashArray: r.kind === "displacement" ? "6 4" : null, fill: r.kind !== "displacement",
        fillOpacity: 0.08, className: "map-ring map-ring-" + (r.kind || "ring"), interactive: false,
      }).addTo(map);
      layers.push({ bounds: L.latLng(r.lat, r.lng).toBounds(2 * r.radius) });
    });
    var route = [];
    (config.points || []).forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lng], style(p.kind)).addTo(map);
      var label = (p.n ? p.n + ". " : "") + p.label;
      marker.bindTooltip(text(label), { direction: "top" });
      if (p.n) {
        L.marker([p.lat, p.lng], {
          icon: L.divIcon({ className: "map-number", html: String(p.n), iconSize: [18, 18] }),
          interactive: false, keyboard: false,
        }).addTo(map);
      }
      layers.push(marker);
      route.push([p.lat, p.lng]);
    });
    if (config.line && route.length > 1) {
      L.polyline(route, { color: NAVY, weight: 2, opacity: 0.6, className: "map-route", interactive: false }).addTo(map);
    }
    var you = null;
    function showYou(lat, lng, accuracy) {
      if (you) you.forEach(function (l) { map.removeLayer(l); });
      you = [
        L.circle([lat, lng], { radius: accuracy || 0, color: "#1d70b8", weight: 1, fillOpacity: 0.1, interactive: false }),
        L.circleMarker([lat, lng], style("you", { radius: 7, color: "#ffffff", weight: 2, fillColor: "#1d70b8", fillOpacity: 1, className: "map-you" })),
      ];
      you.forEach(function (l) { l.addTo(map); });
    }
    if (config.you) {
      showYou(config.you.lat, config.you.lng, config.you.accuracy);
      layers.push(you[1]);
    }
    var bounds = null;
    layers.forEach(function (layer) {
      var b = layer.bounds || (layer instanceof L.GeoJSON ? layer.getBounds()
        : L.latLngBounds([layer.getLatLng(), layer.getLatLng()]));
      if (!b.isValid()) return;
      if (bounds) bounds.extend(b);
      else bounds = L.latLngBounds(b.getSouthWest(), b.getNorthEast());
    });
    if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17, animate: false });
    if (config.pick) pickOn(map, config.pick, element);
    // The person's position, only when already allowed (never asked for on load).
    if (config.follow && navigator.geolocation && navigator.permissions) {
      navigator.permissions.query({ name: "geolocation" }).then(function (state) {
        if (state.state !== "granted") return;
        navigator.geolocation.watchPosition(function (pos) {
          showYou(pos.coords.latitude, pos.coords.longitude, pos.coords.accuracy);
        }, function () {}, { enableHighAccuracy: true, maximumAge: 30000 });
      });
    }
    element.beatbookMap = map; // for page scripts (patrol.js keeps the opening view's tiles)
    element.setAttribute("data-map-ready", "");
    var fallback = element.parentNode.querySelector("[data-map-fallback]");
    if (fallback) fallback.hidden = true;
    return map;
  }

  // A tap or click on the map fills the form's latitude and longitude and marks the point.
  function pickOn(map, pick, element) {
    var marker = null;
    var lat = document.getElementById(pick.lat);
    var lng = document.getElementById(pick.lng);
    var status = element.parentNode.querySelector("[data-map-status]");
    if (!lat || !lng) return;
    function place(latlng) {
      if (marker) map.removeLayer(marker);
      marker = L.circleMarker(latlng, style("pick")).addTo(map);
    }
    if (lat.value && lng.value && !isNaN(+lat.value) && !isNaN(+lng.value)) place([+lat.value, +lng.value]);
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(5);
      lng.value = e.latlng.lng.toFixed(5);
      var choice = pick.check && document.querySelector(pick.check);
      if (choice) choice.checked = true;
      // The form may sit in a closed <details> (a problem's "Add a place"): open it.
      var holder = pick.open && document.querySelector(pick.open);
      if (holder && "open" in holder) holder.open = true;
      place(e.latlng);
      if (status) status.textContent = "Point set: " + lat.value + ", " + lng.value + ".";
    });
  }

  function start() {
    var maps = document.querySelectorAll("[data-map]");
    for (var i = 0; i < maps.length; i++) {
      maps[i].hidden = false;
      draw(maps[i]);
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
