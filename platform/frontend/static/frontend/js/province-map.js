// Home page: the province's districts (click to open) over its communes, names on hover.
(async function () {
  "use strict";
  var el = document.getElementById("province-map");
  var map = PlanMaps.createMap("province-map");
  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000");
  var districts = await PlanMaps.fetchFeatures("/api/districts/");
  PlanMaps.unitLayer(communes, { className: "commune-shape", color: "#7a8794", weight: 1, fillOpacity: 0.05 }, null, map).addTo(map);
  var districtLayer = PlanMaps.unitLayer(
    districts,
    { className: "district-shape", color: "#8f1d21", weight: 2, fillOpacity: 0.08 },
    function (feature, layer) {
      layer.on("click", function () { window.location.href = "/d/" + feature.properties.slug + "/"; });
    }
  ).addTo(map);
  PlanMaps.labels(map, districts, { minZoom: 9 });
  PlanMaps.key(map, [{ what: "district", colour: "#8f1d21" }, { what: "commune", colour: "#7a8794" }]);
  PlanMaps.fit(map, districtLayer.getBounds());
  el.dataset.districts = String(districts.features.length);
  el.dataset.communes = String(communes.features.length);
  el.dataset.ready = "1";
})();
