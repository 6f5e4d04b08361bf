// District dashboard (one district's communes) and province page (every commune): coloured by the state of their plan cycle.
(async function () {
  "use strict";
  var el = document.getElementById("cycles-map");
  var colours = { published: "#1a7f37", in_progress: "#1f6feb", overdue: "#cf222e", late: "#bf8700", no_cycle: "#8c959f" };
  // A cycle with a step done late (published or in time now) keeps its own colour: lateness stays visible.
  function stateOf(row) { return !row ? "no_cycle" : (row.state !== "overdue" && row.lateness) ? "late" : row.state; }
  var states = {};
  JSON.parse(document.getElementById("cycle-rows").textContent).forEach(function (r) { states[r.commune] = r; });
  var map = PlanMaps.createMap("cycles-map");
  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000" + (el.dataset.district ? "&parent=" + el.dataset.district : ""));
  var layer = L.geoJSON(communes, {
    style: function (f) {
      var state = stateOf(states[f.properties.code]);
      return { className: "cycle-shape state-" + state, color: "#333", weight: 1, fillColor: colours[state], fillOpacity: 0.5 };
    },
    onEachFeature: function (f, l) {
      var row = states[f.properties.code];
      l.bindTooltip(UI.tip(f.properties.name, row && row.step_name ? " · " + row.step_name : "", row && row.lateness ? " · " + row.lateness : ""), { sticky: true });
      var url = UI.safeUrl(row && (row.url || (row.cycle && "cycles/" + row.cycle + "/")));
      if (url) { l.on("click", function () { window.location.href = url; }); }
    },
  }).addTo(map);
  if (communes.features.length) { PlanMaps.fit(map, layer.getBounds()); }
  PlanMaps.labels(map, communes);
  PlanMaps.legendFromPage(map, document.querySelector("[data-map-legend]"));
  el.dataset.ready = "1";
})();
