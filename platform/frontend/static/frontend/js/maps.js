// Shared map helpers (after ui.js): a Leaflet map with the optional base layer, and GeoJSON fetching that follows pages.
(function () {
  "use strict";

  var vi = UI.config.language !== "en";

  // Leaflet.draw's words in Vietnamese (issue 15, part 5); English pages keep the plugin's own.
  var DRAW_VI = {
    draw: {
      toolbar: {
        actions: { title: "Hủy vẽ", text: "Hủy" },
        finish: { title: "Kết thúc vẽ", text: "Xong" },
        undo: { title: "Xóa điểm vừa vẽ", text: "Xóa điểm cuối" },
        buttons: { polyline: "Vẽ đường", polygon: "Vẽ vùng", rectangle: "Vẽ hình chữ nhật", circle: "Vẽ hình tròn",
          marker: "Đặt điểm", circlemarker: "Đặt điểm tròn" },
      },
      handlers: {
        marker: { tooltip: { start: "Bấm vào bản đồ để đặt điểm." } },
        circlemarker: { tooltip: { start: "Bấm vào bản đồ để đặt điểm." } },
        polyline: { error: "<strong>Lỗi:</strong> các cạnh không được cắt nhau!",
          tooltip: { start: "Bấm để bắt đầu vẽ đường.", cont: "Bấm để vẽ tiếp.", end: "Bấm vào điểm cuối để kết thúc." } },
        polygon: { tooltip: { start: "Bấm để bắt đầu vẽ vùng.", cont: "Bấm để vẽ tiếp.", end: "Bấm vào điểm đầu để khép vùng." } },
        rectangle: { tooltip: { start: "Bấm và kéo để vẽ hình chữ nhật." } },
        circle: { tooltip: { start: "Bấm và kéo để vẽ hình tròn." }, radius: "Bán kính" },
        simpleshape: { tooltip: { end: "Thả chuột để kết thúc." } },
      },
    },
    edit: {
      toolbar: {
        actions: { save: { title: "Lưu thay đổi", text: "Lưu" }, cancel: { title: "Hủy, bỏ mọi thay đổi", text: "Hủy" },
          clearAll: { title: "Xóa tất cả", text: "Xóa tất cả" } },
        buttons: { edit: "Sửa hình", editDisabled: "Không có hình để sửa", remove: "Xóa hình", removeDisabled: "Không có hình để xóa" },
      },
      handlers: {
        edit: { tooltip: { text: "Kéo các điểm để sửa hình.", subtext: "Bấm Hủy để bỏ thay đổi." } },
        remove: { tooltip: { text: "Bấm vào hình cần xóa." } },
      },
    },
  };

  function merge(target, source) {
    Object.keys(source).forEach(function (key) {
      if (typeof source[key] === "object" && target[key]) { merge(target[key], source[key]); } else { target[key] = source[key]; }
    });
  }

  // Every map of the platform: zoom buttons in the page's language, a metric scale bar, and the base map's
  // credit only once one of its tiles has loaded (without tiles, or offline, the map claims no OpenStreetMap).
  function createMap(elementId) {
    var map = L.map(elementId, { preferCanvas: false, zoomControl: false }).setView([21.12, 106.1], 10);
    L.control.zoom(vi ? { zoomInTitle: "Phóng to", zoomOutTitle: "Thu nhỏ" } : {}).addTo(map);
    L.control.scale({ imperial: false, maxWidth: 150 }).addTo(map);
    if (vi && L.drawLocal && !L.drawLocal.vi) { merge(L.drawLocal, DRAW_VI); L.drawLocal.vi = true; }
    if (UI.config.tileUrl) {
      var tiles = L.tileLayer(UI.config.tileUrl, { maxZoom: 19 }).addTo(map);
      tiles.once("tileload", function () { map.attributionControl.addAttribution("© OpenStreetMap"); });
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
