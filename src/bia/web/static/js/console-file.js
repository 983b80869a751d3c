/* Live queue: the SSE stream says *that* the queue changed (a signature), never *what*; the page
   then re-fetches its own filtered section from the server, which stays the single place that
   decides what an agent may see. New rows are announced politely and focus is kept. */
(function () {
  "use strict";
  var section = document.getElementById("file");
  var live = document.getElementById("direct");
  var announce = document.getElementById("annonce");
  var mapEl = document.getElementById("carte");
  var baseTitle = document.title;
  var bmap = null;
  var fallbackTimer = null;
  var refreshing = false;
  var pending = false;

  function content() { return document.getElementById("file-contenu"); }
  function rows() { return Array.prototype.slice.call(section.querySelectorAll("tr[data-id]")); }

  function drawMarkers() {
    if (!bmap) { return; }
    bmap.setMarkers(rows().map(function (tr) {
      return { id: tr.dataset.id, lat: parseFloat(tr.dataset.lat), lon: parseFloat(tr.dataset.lon),
               urgence: tr.dataset.urgence === "1", label: tr.dataset.label };
    }));
  }

  function updateTitle() {
    var n = parseInt(content().dataset.urgences || "0", 10);
    document.title = (n > 0 ? "(" + n + " urgence" + (n > 1 ? "s" : "") + ") " : "") + baseTitle;
  }

  function setLive(state, text) {
    live.dataset.state = state;
    live.textContent = text;
  }

  function refresh() {
    if (refreshing) { pending = true; return; }
    refreshing = true;
    fetch(section.dataset.fragment, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.status === 401) {
          window.location.href = "/console/connexion?suite=" + encodeURIComponent(window.location.pathname + window.location.search);
          throw new Error("session");
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("file-contenu");
        if (!fresh) { return; }
        var old = content();
        var seen = {};
        rows().forEach(function (tr) { seen[tr.dataset.id] = true; });
        var active = document.activeElement;
        var focusHref = active && old.contains(active) ? active.getAttribute("href") : null;
        old.replaceWith(document.importNode(fresh, true));
        var added = rows().filter(function (tr) { return !seen[tr.dataset.id]; });
        added.forEach(function (tr) { tr.classList.add("bia-flash"); });
        if (focusHref) {
          var again = section.querySelector('a[href="' + focusHref + '"]');
          (again || section).focus();
        }
        var urgent = added.filter(function (tr) { return tr.dataset.urgence === "1"; }).length;
        var c = content();
        if (added.length) {
          announce.textContent = added.length + (added.length > 1 ? " nouveaux dossiers" : " nouveau dossier") +
            (urgent ? ", dont " + urgent + " urgence" + (urgent > 1 ? "s" : "") : "") +
            ". " + c.dataset.total + " dans la file.";
        } else {
          announce.textContent = "File mise à jour : " + c.dataset.total + " dossiers.";
        }
        updateTitle();
        drawMarkers();
      })
      .catch(function () { /* the next event or the fallback timer retries */ })
      .then(function () {
        refreshing = false;
        if (pending) { pending = false; refresh(); }
      });
  }

  function startFallback() {
    if (!fallbackTimer) { fallbackTimer = window.setInterval(refresh, 30000); }
  }

  if (mapEl && window.BiaMap && window.L) { bmap = window.BiaMap.create(mapEl); }
  drawMarkers();
  updateTitle();

  if (!window.EventSource) {
    setLive("coupe", "Direct indisponible : la file se recharge toutes les 30 s.");
    startFallback();
    return;
  }
  var source = new EventSource(section.dataset.stream, { withCredentials: true });
  source.addEventListener("open", function () { setLive("direct", "En direct"); });
  source.addEventListener("queue", function (event) {
    setLive("direct", "En direct");
    var signature = "";
    try { signature = JSON.parse(event.data).signature; } catch (e) { signature = ""; }
    if (signature && signature !== content().dataset.signature) { refresh(); }
  });
  source.addEventListener("error", function () {
    if (source.readyState === EventSource.CLOSED) {
      setLive("coupe", "Direct interrompu : la file se recharge toutes les 30 s.");
      startFallback();
    } else {
      setLive("connexion", "Reconnexion au direct…");
    }
  });
}());
