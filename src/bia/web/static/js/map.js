/* Leaflet map shared by the queue and the case page. It must work with no tile server at all
   (patrol cars, closed networks): the pack's zones and streets are drawn as vectors, and the
   base layer is added only when the deployment configures one. */
(function () {
  "use strict";
  var cache = {};

  function getJSON(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return cache[url];
  }

  function zoneStyle(feature) {
    if (feature.properties && feature.properties.kind === "commune") {
      return { color: "#000091", weight: 2, fill: false, interactive: false };
    }
    return { color: "#6a6af4", weight: 1, fillColor: "#e3e3fd", fillOpacity: 0.35 };
  }

  function popupFor(point) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = (point.urgence ? "URGENCE — " : "") + point.label;
    box.appendChild(title);
    if (point.id) {
      box.appendChild(document.createElement("br"));
      var link = document.createElement("a");
      link.href = "/console/dossiers/" + encodeURIComponent(point.id);
      link.textContent = "Ouvrir le dossier n° " + point.id;
      box.appendChild(link);
    }
    return box;
  }

  function create(el) {
    var map = L.map(el, { zoomControl: true, scrollWheelZoom: false, zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    var bbox = (el.dataset.bbox || "").split(",").map(Number);
    if (bbox.length === 4 && bbox.every(isFinite)) {
      map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]]);
    } else {
      map.setView([46.6, 2.4], 6);
    }
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
    }
    var zones = L.geoJSON(null, {
      style: zoneStyle,
      onEachFeature: function (feature, layer) {
        if (feature.properties && feature.properties.kind === "zone") {
          layer.bindTooltip(feature.properties.name || feature.properties.code, { sticky: true });
        }
      }
    }).addTo(map);
    var streets = L.geoJSON(null, {
      style: { color: "#929292", weight: 1, opacity: 0.9, interactive: false },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 1.5, color: "#929292", weight: 1, interactive: false });
      }
    }).addTo(map);
    var markers = L.layerGroup().addTo(map);
    var focused = false;
    if (el.dataset.zones) {
      getJSON(el.dataset.zones).then(function (d) {
        if (!d) { return; }
        zones.addData(d);
        if (!focused && zones.getBounds().isValid()) { map.fitBounds(zones.getBounds(), { padding: [8, 8], animate: false }); }
      });
    }
    if (el.dataset.streets) { getJSON(el.dataset.streets).then(function (d) { if (d) { streets.addData(d); streets.bringToBack(); zones.bringToBack(); } }); }

    function setMarkers(points, options) {
      markers.clearLayers();
      points.forEach(function (p) {
        if (!isFinite(p.lat) || !isFinite(p.lon)) { return; }
        var marker = L.circleMarker([p.lat, p.lon], {
          radius: p.urgence ? 10 : 7, weight: 2, color: "#fff",
          className: p.urgence ? "bia-marker bia-marker--urgence" : "bia-marker",
          fillColor: p.urgence ? "#ce0500" : "#000091", fillOpacity: 0.95
        });
        marker.bindPopup(popupFor(p));
        marker.bindTooltip((p.urgence ? "Urgence : " : "") + p.label);
        markers.addLayer(marker);
        if (p.urgence) { marker.bringToFront(); }
      });
      if (options && options.focus && points.length === 1 && isFinite(points[0].lat)) {
        focused = true;
        map.setView([points[0].lat, points[0].lon], 16, { animate: false });
      }
    }

    return { map: map, setMarkers: setMarkers };
  }

  window.BiaMap = { create: create };
}());
