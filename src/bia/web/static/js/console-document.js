/* Document page (main courante, rapport): "Enregistrer" sends the changed fields and the newly
   confirmed ones to the JSON API (PUT) with the CSRF header; "Valider" saves first, then asks the
   API to freeze the version. The API's French refusal (missing fields, malformed dates) is shown
   as is, announced and focused, and the fields it names are marked invalid. After a success the
   page is reloaded so that sources, version, validator and hash come from the server. */
(function () {
  "use strict";
  var FLASH = "bia-document-flash";
  var form = document.getElementById("formulaire-document");
  if (!form) { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var box = document.getElementById("message-document");
  var api = form.dataset.api;
  var buttons = [document.getElementById("bouton-enregistrer"), document.getElementById("bouton-valider")];

  function show(kind, text, items) {
    box.textContent = "";
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--sm fr-alert--" + kind;
    alert.setAttribute("role", kind === "error" ? "alert" : "status");
    var p = document.createElement("p");
    p.textContent = text;
    alert.appendChild(p);
    if (items && items.length) {
      var ul = document.createElement("ul");
      items.forEach(function (item) {
        var li = document.createElement("li");
        var field = fieldByLabel(item);
        if (field) {
          var a = document.createElement("a");
          a.href = "#" + field.id;
          a.textContent = item;
          a.addEventListener("click", function (event) { event.preventDefault(); field.focus(); });
          li.appendChild(a);
        } else {
          li.textContent = item;
        }
        ul.appendChild(li);
      });
      alert.appendChild(ul);
    }
    box.appendChild(alert);
    box.focus();
  }

  function fields() { return Array.prototype.slice.call(form.querySelectorAll("input.fr-input, textarea.fr-input")); }

  function fieldByLabel(label) {
    return fields().filter(function (f) { return f.dataset.label === label; })[0] || null;
  }

  var flash = null;
  try { flash = sessionStorage.getItem(FLASH); sessionStorage.removeItem(FLASH); } catch (e) { flash = null; }
  if (flash) { show("success", flash); }

  function setBusy(busy) {
    buttons.forEach(function (b) { if (b) { b.disabled = busy; } });
    form.setAttribute("aria-busy", busy ? "true" : "false");
  }

  /* What changed since the page was rendered: new values, and boxes newly ticked. */
  function changes() {
    var values = {}, confirm = [], count = 0;
    fields().forEach(function (f) {
      var value = f.value.trim();
      if (value !== (f.dataset.initial || "").trim()) { values[f.name] = value; count += 1; }
    });
    form.querySelectorAll('input[type="checkbox"][name="confirme"]').forEach(function (box) {
      var key = box.value;
      var field = document.getElementById("champ-" + key);
      if (box.checked && box.dataset.initial !== "1" && !(key in values) && field && field.value.trim()) {
        confirm.push(key);
      }
    });
    return { fields: values, confirm: confirm, empty: count === 0 && confirm.length === 0 };
  }

  function send(method, url, body) {
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function markInvalid(details) {
    fields().forEach(function (f) { f.removeAttribute("aria-invalid"); });
    var missing = (details && details.missing) || [];
    missing.forEach(function (label) {
      var f = fieldByLabel(label);
      if (f) { f.setAttribute("aria-invalid", "true"); }
    });
  }

  function failed(res, what) {
    if (res.status === 401) {
      window.location.href = "/console/connexion?suite=" + encodeURIComponent(window.location.pathname);
      return;
    }
    var error = res.data && res.data.error;
    var details = error && error.details;
    markInvalid(details);
    var missing = details && details.missing;
    show("error", (error && error.message) || (what + " impossible (erreur " + res.status + ")."),
         Array.isArray(missing) ? missing : null);
    setBusy(false);
  }

  function done(text) {
    try { sessionStorage.setItem(FLASH, text); } catch (e) { /* private mode */ }
    window.location.reload();
  }

  function offline() {
    show("error", "Réseau indisponible : rien n'a été envoyé. Réessayez.");
    setBusy(false);
  }

  function save() {
    var c = changes();
    if (c.empty) { return Promise.resolve({ ok: true, status: 204, data: null, nothing: true }); }
    return send("PUT", api, { fields: c.fields, confirm: c.confirm });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    setBusy(true);
    save().then(function (res) {
      if (res.nothing) { show("info", "Aucune modification à enregistrer."); setBusy(false); return; }
      if (!res.ok) { failed(res, "Enregistrement"); return; }
      done("Modifications enregistrées (version " + res.data.version + ", brouillon).");
    }).catch(offline);
  });

  document.getElementById("bouton-valider").addEventListener("click", function () {
    setBusy(true);
    save().then(function (res) {
      if (!res.ok) { failed(res, "Enregistrement"); return null; }
      return send("POST", api + "/validation").then(function (v) {
        if (!v.ok) {
          if (!res.nothing) {  /* the edits were saved: keep them as the new starting point */
            var stored = (res.data && res.data.fields) || {};
            fields().forEach(function (f) { f.dataset.initial = f.value.trim(); });
            form.querySelectorAll('input[name="confirme"]').forEach(function (b) {
              var on = !!(stored[b.value] && stored[b.value].confirmed);
              b.checked = on;
              b.dataset.initial = on ? "1" : "0";
            });
          }
          failed(v, "Validation");
          return;
        }
        done("Document validé : version " + v.data.version + ", empreinte SHA-256 enregistrée.");
      });
    }).catch(offline);
  });
}());
