// District page: its communes, names on hover.
(async function () {
  "use strict";
  var el = document.getElementById("district-map");
  var map = PlanMaps.createMap("district-map");
  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + el.dataset.district);
  var layer = PlanMaps.unitLayer(communes, { className: "commune-shape", color: "#8f1d21", weight: 1.5, fillOpacity: 0.1 }, null, map).addTo(map);
  PlanMaps.key(map, [{ what: "commune", colour: "#8f1d21" }]);
  if (communes.features.length) { PlanMaps.fit(map, layer.getBounds()); }
  el.dataset.communes = String(communes.features.length);
  el.dataset.ready = "1";
})();
