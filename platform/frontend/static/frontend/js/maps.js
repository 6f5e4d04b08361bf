// Shared map helpers (after ui.js): a Leaflet map with the optional base layer, and GeoJSON fetching that follows pages.
(function () {
  "use strict";

  function createMap(elementId) {
    var map = L.map(elementId, { preferCanvas: false }).setView([21.12, 106.1], 10);
    if (UI.config.tileUrl) {
      L.tileLayer(UI.config.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    return map;
  }

  async function fetchFeatures(url) {
    var features = [];
    while (url) {
      var response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) { throw new Error(url + " answered " + response.status); }
      var page = await response.json();
      features = features.concat(page.features || []);
      url = page.next || null;
    }
    return { type: "FeatureCollection", features: features };
  }

  function unitLayer(collection, style, onEach) {
    return L.geoJSON(collection, {
      style: function () { return style; },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(UI.tip(feature.properties.name), { sticky: true, className: "unit-name" });
        if (onEach) { onEach(feature, layer); }
      },
    });
  }

  window.PlanMaps = { createMap: createMap, fetchFeatures: fetchFeatures, unitLayer: unitLayer };
})();
