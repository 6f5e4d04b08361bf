// District M&E dashboard: communes on the map coloured by their report's status for the period, and a bar
// chart of how many communes are in each state.
(async function () {
  "use strict";
  var config = JSON.parse(document.getElementById("me-config").textContent);
  var T = config.text;
  var COLOURS = { accepted: "#1b7d3a", submitted: "#1f6fb2", returned: "#b00020", late: "#b00020", overdue: "#b00020",
                  draft: "#d98c00", missing: "#6b7480", no_plan: "#c9ced4" };
  var byCommune = {};
  config.rows.forEach(function (r) { byCommune[r.commune] = r.lateness || r.status; });

  var total = config.rows.length || 1;
  MECharts.bars(document.getElementById("status-chart"), Object.keys(config.counts).map(function (key) {
    return { label: T[key] || key, percent: Math.round(config.counts[key] * 100 / total) };
  }), { max: 100 });

  var map = PlanMaps.createMap("me-district-map");
  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + config.district);
  var layer = PlanMaps.unitLayer(communes, { className: "commune-shape", color: "#444", weight: 1 }, function (feature, l) {
    var key = byCommune[feature.properties.code] || "no_plan";
    l.setStyle({ fillColor: COLOURS[key] || "#c9ced4", fillOpacity: 0.5, className: "commune-shape state-" + key });
    l.bindTooltip(UI.tip(feature.properties.name, ": ", T[key] || key), { sticky: true });
  }, map).addTo(map);
  // The legend: each state with its colour and how many communes are in it (the same words as the chart).
  var seen = {};
  Object.keys(byCommune).forEach(function (code) { seen[byCommune[code]] = (seen[byCommune[code]] || 0) + 1; });
  var withoutPlan = communes.features.filter(function (f) { return !byCommune[f.properties.code]; }).length;
  PlanMaps.legend(map, {
    title: T.legendTitle || PlanMaps.words.legend,
    items: Object.keys(COLOURS).filter(function (k) { return seen[k] || (k === "no_plan" && withoutPlan); }).map(function (k) {
      return { colour: COLOURS[k], label: T[k] || k, count: k === "no_plan" ? (seen[k] || 0) + withoutPlan : seen[k] };
    }),
  });
  if (communes.features.length) { PlanMaps.fit(map, layer.getBounds()); }
  // The works of every M&E plan of the year, coloured by the share of volume done in the latest commune report.
  L.geoJSON(config.works, {
    style: function (f) { return { className: "work-shape", color: MECharts.progressColour(f.properties.share_done), weight: 4 }; },
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 7, className: "work-shape", fillColor: MECharts.progressColour(f.properties.share_done),
                                      color: "#222", weight: 1, fillOpacity: 0.9 });
    },
    onEachFeature: function (f, l) {
      l.bindTooltip(UI.tip(f.properties.title, ": ", f.properties.share_done === null ? T.notStarted : UI.percent(f.properties.share_done, 2)), { sticky: true });
    },
  }).addTo(map);
  document.getElementById("me-district-map").dataset.ready = "1";
})();
