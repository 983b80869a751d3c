/* /analyse: forecast risk per grid cell and Gi* hot spots on a Leaflet map.
   Data come from the analytics JSON routes (same-origin cookie); the zones are drawn as
   vectors so the map works without any tile server. No inline script (CSP). */
(function () {
  "use strict";
  var el = document.getElementById("carte-analyse");
  var status = document.getElementById("carte-etat");
  if (!el || typeof L === "undefined") { return; }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
  }

  function say(text) { if (status) { status.textContent = text; } }

  function box(c) { return [[c.lat_min, c.lon_min], [c.lat_max, c.lon_max]]; }

  function fmt(v, digits) { return Number(v).toFixed(digits).replace(".", ","); }

  var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  var bbox = (el.dataset.bbox || "").split(",").map(Number);
  if (bbox.length === 4 && bbox.every(isFinite)) {
    map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]);
  } else {
    map.setView([46.6, 2.4], 6);
  }
  if (el.dataset.tiles) { L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map); }

  var zones = L.geoJSON(null, {
    style: function (f) {
      return f.properties && f.properties.kind === "commune"
        ? { color: "#000091", weight: 2, fill: false, interactive: false }
        : { color: "#6a6af4", weight: 1, fillColor: "#e3e3fd", fillOpacity: 0.25 };
    },
    onEachFeature: function (f, layer) {
      if (f.properties && f.properties.kind === "zone") { layer.bindTooltip(f.properties.name || f.properties.code, { sticky: true }); }
    }
  }).addTo(map);
  var risk = L.layerGroup().addTo(map);
  var hot = L.layerGroup().addTo(map);
  L.control.layers(null, { "Risque prévu": risk, "Points chauds": hot }, { collapsed: false }).addTo(map);

  var pending = 0;
  var found = { risk: 0, hot: 0 };
  function done() {
    pending -= 1;
    if (pending === 0) {
      say(found.risk + " mailles à risque affichées, " + found.hot + " points chauds significatifs.");
    }
  }

  if (el.dataset.zones) {
    getJSON(el.dataset.zones).then(function (d) {
      if (d) { zones.addData(d); zones.bringToBack(); if (zones.getBounds().isValid()) { map.fitBounds(zones.getBounds(), { padding: [8, 8], animate: false }); } }
    });
  }
  say("Chargement de la carte…");
  if (el.dataset.forecast) {
    pending += 1;
    getJSON(el.dataset.forecast).then(function (d) {
      var cells = (d && d.cells) || [];
      var top = cells.length ? cells[0].score : 0;
      cells.slice(0, 150).forEach(function (c) {
        if (!(c.score > 0) || !top) { return; }
        var share = c.score / top;
        if (share < 0.15) { return; }
        found.risk += 1;
        L.rectangle(box(c), { stroke: false, fillColor: "#ce0500", fillOpacity: 0.15 + 0.55 * share })
          .bindTooltip("Risque prévu : " + fmt(c.score, 2) + " événement(s) attendu(s) sur 24 h")
          .addTo(risk);
      });
      done();
    });
  }
  if (el.dataset.hotspots) {
    pending += 1;
    getJSON(el.dataset.hotspots).then(function (d) {
      ((d && d.cells) || []).forEach(function (c) {
        if (c.label !== "point chaud") { return; }
        found.hot += 1;
        L.rectangle(box(c), { color: "#b34000", weight: 2, fill: false })
          .bindTooltip("Point chaud : " + c.count + " événements (z = " + fmt(c.z, 1) + ")")
          .addTo(hot);
      });
      done();
    });
  }
}());
