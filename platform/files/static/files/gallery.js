// Photos and documents of an object, built with DOM calls only (names and captions are data, never HTML).
// PlanFiles.gallery([{url, name, content_type}], {empty: "…"}) → an element: images as thumbnails that open
// the full photo, other files as download links. URLs are the access-checked routes /d/<slug>/(public/)files/….
(function () {
  "use strict";
  function gallery(files, options) {
    var box = document.createElement("div");
    box.className = "file-gallery";
    (files || []).forEach(function (file) {
      var link = document.createElement("a");
      link.href = file.url;
      link.target = "_blank";
      link.rel = "noopener";
      if ((file.content_type || "").indexOf("image/") === 0) {
        var figure = document.createElement("figure");
        var img = document.createElement("img");
        img.src = file.url;
        img.alt = file.name || "";
        img.loading = "lazy";
        link.appendChild(img);
        figure.appendChild(link);
        if (file.name) {
          var caption = document.createElement("figcaption");
          caption.textContent = file.name;
          figure.appendChild(caption);
        }
        box.appendChild(figure);
      } else {
        link.className = "file-link";
        link.textContent = file.name || file.url;
        box.appendChild(link);
      }
    });
    if (!box.childNodes.length && options && options.empty) {
      var none = document.createElement("p");
      none.className = "muted";
      none.textContent = options.empty;
      box.appendChild(none);
    }
    return box;
  }
  window.PlanFiles = { gallery: gallery };
})();
