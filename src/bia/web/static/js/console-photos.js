/* Case page: the resident's photos, fetched from the staff API (each view is audited there).
   The section stays hidden when the report has none. */
(function () {
  "use strict";
  var section = document.getElementById("photos");
  if (!section || !window.fetch) { return; }
  var list = section.querySelector("ul");
  fetch(section.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : []; })
    .then(function (photos) {
      if (!photos.length) { return; }
      photos.forEach(function (photo, index) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = photo.url;
        link.target = "_blank";
        link.rel = "noopener";
        var image = document.createElement("img");
        image.src = photo.url;
        image.width = photo.width;
        image.height = photo.height;
        var when = new Date(photo.received_at).toLocaleString("fr-FR");
        image.alt = "Photo " + (index + 1) + " du résident, reçue le " + when +
          (photo.location ? " (position GPS jointe avec son accord)" : "");
        link.appendChild(image);
        item.appendChild(link);
        list.appendChild(item);
      });
      section.classList.remove("bia-hidden");
    })
    .catch(function () { /* the rest of the page works without photos */ });
}());
