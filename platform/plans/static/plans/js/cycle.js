// Cycle page: complete the current step through the API, and draw the works of the newest version.
(function () {
  "use strict";
  var section = document.querySelector("section.cycle");
  var base = window.location.pathname.replace(/plans\/cycles\/\d+\/$/, "");
  var error = document.querySelector("[data-testid=step-error]");

  document.querySelectorAll("button.complete-step").forEach(function (button) {
    button.addEventListener("click", async function () {
      // Irreversible: a step marked done stays done; ask first (a dialog, not window.confirm).
      if (!(await UI.ask({ title: section.dataset.confirmStep, text: button.closest("tr").querySelector("td").textContent.trim() }))) { return; }
      button.disabled = true;
      var row = button.closest("tr");
      var decided = row ? row.querySelector("input.decided-on") : null;
      var body = { note: "" };
      if (decided && decided.value) { body.decided_on = decided.value; }
      var result = await UI.send("POST", base + "api/plans/cycles/" + section.dataset.cycle + "/steps/" + button.dataset.step + "/complete/", body);
      if (result.ok) { UI.flash(section.dataset.stepDone, { next: true }); window.location.reload(); return; }
      var flat = UI.flattenErrors(result.data || {});
      error.textContent = Object.keys(flat).map(function (k) { return flat[k]; }).join(" ") || String(result.status);
      error.hidden = false;
      button.disabled = false;
    });
  });

  var mapEl = document.getElementById("works-map");
  if (mapEl) {
    (async function () {
      var map = PlanMaps.createMap("works-map");
      PlanMaps.key(map, [{ what: "commune", colour: "#8f1d21" }, { what: "work", colour: "#1f6feb" }]);
      var commune = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + mapEl.dataset.district);
      var outline = (commune.features || []).filter(function (f) { return f.properties.code === mapEl.dataset.commune; });
      var bounds = null;
      if (outline.length) {
        var b = PlanMaps.unitLayer({ type: "FeatureCollection", features: outline }, { className: "commune-shape", color: "#8f1d21", weight: 1.5, fillOpacity: 0.05 }, null, map).addTo(map);
        bounds = b.getBounds();
      }
      var works = await PlanMaps.fetchFeatures(base + "api/plans/" + mapEl.dataset.plan + "/items/");
      var layer = L.geoJSON(works, {
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 6, className: "work-shape", color: "#1f6feb" }); },
        style: function () { return { className: "work-shape", color: "#1f6feb" }; },
        onEachFeature: function (f, l) { l.bindTooltip(UI.tip(f.properties.title)); },
      }).addTo(map);
      if (works.features.length) { bounds = bounds ? bounds.extend(layer.getBounds()) : layer.getBounds(); }
      if (bounds) { PlanMaps.fit(map, bounds); }
      mapEl.dataset.works = String(works.features.length);
      mapEl.dataset.ready = "1";
    })();
  }
})();
