// Public plan page: the works on a map over the commune; the comment form posts to the public API.
(async function () {
  "use strict";
  var section = document.querySelector("section.public-plan");
  var base = window.location.pathname.replace(/public\/plans\/\d+\/$/, "");
  var form = document.getElementById("comment-form");
  if (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var data = Object.fromEntries(new FormData(form).entries());
      if (!data.item) { delete data.item; }
      var result = await UI.send("POST", base + "api/public/plans/" + section.dataset.plan + "/comments/", data);
      var status = form.querySelector("[data-testid=comment-status]");
      if (result.ok) { form.reset(); status.hidden = false; return; }
      var flat = UI.flattenErrors(result.data || {});
      status.textContent = Object.keys(flat).map(function (k) { return flat[k]; }).join(" ") || String(result.status);
      status.hidden = false;
    });
  }
  var el = document.getElementById("public-works-map");
  var map = PlanMaps.createMap("public-works-map");
  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + el.dataset.district);
  var own = communes.features.filter(function (f) { return f.properties.code === el.dataset.commune; });
  var outline = PlanMaps.unitLayer({ type: "FeatureCollection", features: own }, { className: "commune-shape", color: "#8f1d21", weight: 1.5, fillOpacity: 0.05 }, null, map).addTo(map);
  PlanMaps.key(map, [{ what: "commune", colour: "#8f1d21" }, { what: "work", colour: "#1f6feb" }]);
  var response = await UI.get(base + "api/public/plans/" + section.dataset.plan + "/works.geojson", { headers: { Accept: "application/geo+json" } });
  var works = await response.json();
  var layer = L.geoJSON(works, {
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 6, className: "work-shape", color: "#1f6feb" }); },
    style: function () { return { className: "work-shape", color: "#1f6feb" }; },
    onEachFeature: function (f, l) { l.bindTooltip(UI.tip(f.properties.title)); },
  }).addTo(map);
  var bounds = own.length ? outline.getBounds() : null;
  if (works.features.length) { bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds(); }
  if (bounds) { PlanMaps.fit(map, bounds); }
  el.dataset.works = String(works.features.length);
  el.dataset.ready = "1";
})();
