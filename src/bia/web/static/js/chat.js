/* Resident web chat. Messages are added as text (never HTML) to a role="log" region that
   screen readers announce; focus stays in the message box, so the whole exchange works from
   the keyboard. The tracking code, once the report is stored, is shown in a large box. */
(function () {
  "use strict";
  var log = document.getElementById("journal");
  var form = document.getElementById("formulaire");
  var input = document.getElementById("message");
  var send = document.getElementById("envoyer");
  var again = document.getElementById("recommencer");
  var error = document.getElementById("erreur");
  var urgent = document.getElementById("etat-urgence");
  var tracking = document.getElementById("suivi");
  var photo = document.getElementById("photo");
  var share = document.getElementById("partager-position");
  var photoState = document.getElementById("photo-etat");
  var photosSent = 0;
  var api = log.dataset.api;
  var conversation = null;
  var busy = false;
  var shownCode = null;
  var shownEmergency = null;
  var UNAVAILABLE = "L'assistant ne répond pas pour le moment. En cas d'urgence, appelez le 17 ou le 112 ; sinon, réessayez dans un instant.";

  function add(kind, text) {
    var message = document.createElement("div");
    message.className = "bia-msg bia-msg--" + kind;
    var who = document.createElement("span");
    who.className = "bia-msg__who";
    who.textContent = kind === "bot" ? "Assistant :" : "Vous :";
    message.appendChild(who);
    message.appendChild(document.createTextNode(text));
    log.appendChild(message);
    log.scrollTop = log.scrollHeight;
  }

  function pendingMark(on) {
    var mark = document.getElementById("chargement");
    if (on && !mark) {
      mark = document.createElement("p");
      mark.id = "chargement";
      mark.className = "bia-chat__pending";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = "L'assistant écrit…";
      log.appendChild(mark);
      log.scrollTop = log.scrollHeight;
    } else if (!on && mark) {
      mark.remove();
    }
  }

  function showError(text) {
    error.textContent = text;
    error.classList.toggle("bia-hidden", !text);
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function applyState(state) {
    if (!state) { return; }
    if (state.emergency && state.emergency_number && state.emergency_number !== shownEmergency) {
      shownEmergency = state.emergency_number;
      urgent.textContent = "";
      var title = document.createElement("h3");
      title.className = "fr-alert__title";
      title.textContent = "Urgence : appelez le " + state.emergency_number + " maintenant.";
      var p = document.createElement("p");
      p.appendChild(link((state.emergency_number === "114" ? "sms:" : "tel:") + state.emergency_number,
                         "Appeler le " + state.emergency_number));
      urgent.appendChild(title);
      urgent.appendChild(p);
      urgent.classList.remove("bia-hidden");
    }
    if (state.tracking_code && state.tracking_code !== shownCode) {
      shownCode = state.tracking_code;
      tracking.textContent = "";
      var intro = document.createElement("p");
      intro.className = "fr-mb-0";
      intro.textContent = "Votre signalement est enregistré. Votre code de suivi :";
      var code = document.createElement("strong");
      code.className = "bia-tracking__code";
      code.textContent = state.tracking_code;
      var follow = document.createElement("p");
      follow.className = "fr-mb-0";
      follow.appendChild(document.createTextNode("Notez-le. "));
      follow.appendChild(link("/suivi/" + encodeURIComponent(state.tracking_code), "Suivre ce signalement"));
      tracking.appendChild(intro);
      tracking.appendChild(code);
      tracking.appendChild(follow);
      tracking.classList.remove("bia-hidden");
    }
    again.classList.toggle("bia-hidden", !state.done && !state.tracking_code);
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var message = data && data.error && data.error.message;
          throw new Error(message || UNAVAILABLE);
        }
        return data;
      });
    }, function () { throw new Error(UNAVAILABLE); });
  }

  function photoStatus(text) {
    if (!photoState) { return; }
    photoState.textContent = text;
    photoState.classList.toggle("bia-hidden", !text);
  }

  function photoReady(on) {
    if (!photo) { return; }
    photo.disabled = !on || photosSent >= Number(photo.dataset.max || 0);
  }

  /* The photo goes as multipart/form-data; the server checks it by its content, removes its
     metadata and answers in French (accepted, or why not). The report itself never depends on
     it: a refused photo leaves the conversation as it was. */
  function sendPhoto(file) {
    var body = new FormData();
    body.append("photo", file, file.name || "photo");
    if (share && share.checked) { body.append("partager_position", "oui"); }
    photoStatus("Envoi de la photo…");
    photo.disabled = true;
    return fetch(api + "/" + encodeURIComponent(conversation) + "/photos", {
      method: "POST", credentials: "same-origin", headers: { Accept: "application/json" }, body: body
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var message = data && data.error && data.error.message;
          throw new Error(message || (response.status === 413
            ? "Photo trop volumineuse." : UNAVAILABLE));
        }
        return data;
      });
    }, function () { throw new Error(UNAVAILABLE); }).then(function (data) {
      photosSent = data.count;
      add("bot", data.message);
      photoStatus("Photo jointe (" + data.count + " sur " + data.max + " au plus).");
      showError("");
    }).catch(function (e) {
      photoStatus("");
      showError(e.message);
    }).then(function () {
      photo.value = "";
      photoReady(true);
    });
  }

  if (photo) {
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      if (!file) { return; }
      if (!conversation) { showError(UNAVAILABLE); photo.value = ""; return; }
      sendPhoto(file);
    });
  }

  /* The conversation id is kept in this tab's sessionStorage (gone when the tab is closed), so
     that a refreshed page, or a resident coming back from the tracking page, finds the exchange
     where it was instead of a blank chat. */
  var KEY = "bia.conversation";
  function remember(id) {
    try {
      if (id) { sessionStorage.setItem(KEY, id); } else { sessionStorage.removeItem(KEY); }
    } catch (e) { /* storage disabled: the chat still works, without resuming */ }
  }
  function remembered() {
    try { return sessionStorage.getItem(KEY); } catch (e) { return null; }
  }

  function ready() {
    input.disabled = false;
    send.disabled = false;
    photoReady(true);
    showError("");
  }

  function resume(id) {
    return fetch(api + "/" + encodeURIComponent(id), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("gone"); }
      return response.json();
    }).then(function (data) {
      conversation = data.id;
      pendingMark(false);
      data.messages.forEach(function (m) { add(m.who === "bia" ? "bot" : "user", m.text); });
      applyState(data.state);
      ready();
    });
  }

  function fresh() {
    return post(api, { channel: "web" }).then(function (data) {
      conversation = data.id;
      remember(data.id);
      pendingMark(false);
      add("bot", data.reply);
      applyState(data.state);
      ready();
    }).catch(function (e) {
      pendingMark(false);
      showError(e.message);
      send.disabled = false;
      input.disabled = false;
    });
  }

  function start(anew) {
    conversation = null;
    shownCode = null;
    shownEmergency = null;
    photosSent = 0;
    photoStatus("");
    photoReady(false);
    log.textContent = "";
    urgent.classList.add("bia-hidden");
    tracking.classList.add("bia-hidden");
    again.classList.add("bia-hidden");
    pendingMark(true);
    var previous = anew ? null : remembered();
    if (anew) { remember(null); }
    if (!previous) { return fresh(); }
    return resume(previous).catch(function () {
      remember(null);  /* unknown or expired: start a new conversation */
      log.textContent = "";
      pendingMark(true);
      return fresh();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (busy) { return; }
    if (!text) { showError("Écrivez votre message avant de l'envoyer."); input.focus(); return; }
    if (!conversation) { start(); return; }
    busy = true;
    form.setAttribute("aria-busy", "true");
    showError("");
    add("user", text);
    input.value = "";
    pendingMark(true);
    post(api + "/" + encodeURIComponent(conversation) + "/messages", { text: text })
      .then(function (data) {
        add("bot", data.reply);
        applyState(data.state);
      })
      .catch(function (e) {
        input.value = input.value || text;
        showError(e.message);
      })
      .then(function () {
        pendingMark(false);
        busy = false;
        form.setAttribute("aria-busy", "false");
        if (document.activeElement === document.body || document.activeElement === send) { input.focus(); }
      });
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { send.click(); }
    }
  });

  again.addEventListener("click", function () {
    start(true).then(function () { input.focus(); });
  });

  start();
}());
