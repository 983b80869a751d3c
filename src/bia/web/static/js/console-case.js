/* Case page: post each action to the JSON API with the CSRF header; the API decides whether the
   transition is allowed and its French refusal is shown as is. After a success the page is
   reloaded (history, allowed actions) and a confirmation is announced and focused. */
(function () {
  "use strict";
  var FLASH = "bia-console-flash";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var box = document.getElementById("message-action");

  function show(kind, text) {
    box.textContent = "";
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--sm fr-alert--" + kind;
    alert.setAttribute("role", kind === "error" ? "alert" : "status");
    var p = document.createElement("p");
    p.textContent = text;
    alert.appendChild(p);
    box.appendChild(alert);
    box.focus();
  }

  var flash = null;
  try { flash = sessionStorage.getItem(FLASH); sessionStorage.removeItem(FLASH); } catch (e) { flash = null; }
  if (flash) { show("success", flash); }

  var mapEl = document.getElementById("carte");
  if (mapEl && window.BiaMap && window.L) {
    var m = window.BiaMap.create(mapEl);
    m.setMarkers([{ lat: parseFloat(mapEl.dataset.lat), lon: parseFloat(mapEl.dataset.lon),
                    urgence: mapEl.dataset.urgence === "1", label: mapEl.dataset.label }], { focus: true });
  }

  function setBusy(busy) {
    document.querySelectorAll("form.bia-action button").forEach(function (b) { b.disabled = busy; });
    document.getElementById("actions").setAttribute("aria-busy", busy ? "true" : "false");
  }

  document.querySelectorAll("form.bia-action").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = { action: form.dataset.action };
      var field = form.querySelector("input[name], textarea[name]");
      if (field) {
        var value = field.value.trim();
        if (field.required && !value) {
          field.setAttribute("aria-invalid", "true");
          var label = form.querySelector("label[for='" + field.id + "']");
          show("error", "Complétez le champ « " + (label ? label.firstChild.textContent.trim() : field.name) + " » pour « " + form.dataset.label + " ».");
          field.focus();
          return;
        }
        field.removeAttribute("aria-invalid");
        if (value) { body[field.name] = field.name === "into" ? parseInt(value, 10) : value; }
      }
      setBusy(true);
      fetch("/api/v1/cases/" + encodeURIComponent(form.dataset.case) + "/actions", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { ok: response.ok, status: response.status, data: data };
        });
      }).then(function (res) {
        if (res.ok) {
          try { sessionStorage.setItem(FLASH, "Action enregistrée : " + form.dataset.label + ". Nouvel état : " + res.data.status_label + "."); } catch (e) { /* private mode */ }
          window.location.reload();
          return;
        }
        if (res.status === 401) {
          window.location.href = "/console/connexion?suite=" + encodeURIComponent(window.location.pathname);
          return;
        }
        var message = res.data && res.data.error && res.data.error.message;
        show("error", message || "L'action n'a pas pu être enregistrée (erreur " + res.status + ").");
        setBusy(false);
      }).catch(function () {
        show("error", "Réseau indisponible : l'action n'a pas été envoyée. Réessayez.");
        setBusy(false);
      });
    });
  });
}());
