// The all-projects layer of the province comparison page ("Dự án đầu tư"): every district's investment
// projects from /api/province/projects/. Below the clustering zoom the server sends grid clusters (drawn as
// circles sized by their count, the count written inside); closer in, the projects of the view as points
// coloured by status, with a popup (code, name, district, amounts in millions of VND). It follows the page's
// year, sector and capital source filters, its own status filter, and the view (bbox and zoom).
// Self-contained: it needs only the map the comparison page exposes as ProvinceCompare.map.
(function () {
  "use strict";
  var page = window.ProvinceCompare;
  if (!page || !page.config.projects) { return; }
  var map = page.map, form = page.form, C = page.config.projects, T = C.text;
  var el = document.getElementById("compare-map");
  var STATUS_COLOURS = {
    proposed: "#9e9e9e", preparation: "#f0b400", approved: "#1f78b4",
    under_construction: "#e66101", completed: "#1a9641", suspended: "#b2182b",
  };
  var layer = L.layerGroup();
  var pane = map.createPane("projects");
  pane.style.zIndex = 450;  // above the choropleth, below tooltips and popups
  var renderer = L.svg({ pane: "projects" });
  var on = false, statusSelect = null, generation = 0;

  function millions(v) { return v === null || v === undefined ? "—" : UI.millions(v, 1) + " " + T.millions; }  // text: it reaches tooltips as a text node

  function query() {
    var data = new FormData(form), q = new URLSearchParams();
    ["year", "sector", "source"].forEach(function (k) { var v = data.get(k); if (v) { q.set(k, v); } });
    if (statusSelect && statusSelect.value) { q.set("status", statusSelect.value); }
    var b = map.getBounds(), clamp = function (v, m) { return Math.max(-m, Math.min(m, v)).toFixed(5); };
    q.set("bbox", [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].join(","));
    q.set("zoom", String(Math.round(map.getZoom())));
    return q;
  }

  function clusterMarker(f) {
    var p = f.properties, c = f.geometry.coordinates;
    var size = Math.round(22 + 10 * Math.log10(p.count));
    var count = UI.el("span", p.count);
    count.style.width = count.style.height = count.style.lineHeight = size + "px";
    var marker = L.marker([c[1], c[0]], {
      pane: "projects",
      icon: L.divIcon({ className: "project-cluster", iconSize: [size, size], html: count }),
      keyboard: false,
    });
    var br = function () { return document.createElement("br"); };
    marker.bindTooltip(UI.tip(
      UI.el("strong", p.count + " " + T.projects), br(),
      T.total + ": " + millions(p.total_investment), br(), T.allocated + ": " + millions(p.allocated), br(),
      T.disbursed + ": " + millions(p.disbursed), br(), UI.el("em", T.zoomIn)
    ));
    marker.on("click", function () { map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, C.clusterBelowZoom)); });
    return marker;
  }

  function pointMarker(f) {
    var p = f.properties, c = f.geometry.coordinates;
    var marker = L.circleMarker([c[1], c[0]], {
      renderer: renderer, pane: "projects", radius: 6, weight: 1, color: "#222", fillOpacity: 0.9,
      fillColor: STATUS_COLOURS[p.status] || "#666", className: "project-point status-" + p.status,
    });
    var br = function () { return document.createElement("br"); };
    marker.bindPopup(UI.tip(
      UI.el("strong", p.code), " " + p.name, br(),
      T.district + ": " + (p.district_name || p.district), br(),
      T.status + ": " + (C.statuses[p.status] || p.status) + " · " + T.progress + ": " + UI.percent(p.physical_progress), br(),
      T.total + ": " + millions(p.total_investment), br(),
      T.planned + ": " + millions(p.planned) + " · " + T.allocated + ": " + millions(p.allocated), br(),
      T.disbursed + ": " + millions(p.disbursed)
    ));
    return marker;
  }

  async function load() {
    if (!on) { return; }
    var mine = ++generation;
    el.dataset.projectsReady = "0";
    var response = await UI.get(C.api + "?" + query().toString(), { headers: { Accept: "application/json" } });
    if (mine !== generation) { return; }  // a newer view was asked for meanwhile
    if (!response.ok) {
      document.getElementById("flash").textContent = T.failed;
      return;
    }
    var collection = await response.json();
    if (mine !== generation) { return; }
    layer.clearLayers();
    collection.features.forEach(function (f) { layer.addLayer(f.properties.cluster ? clusterMarker(f) : pointMarker(f)); });
    el.dataset.projectsMode = collection.mode;
    el.dataset.projectsCount = String(collection.count);
    el.dataset.projectsFeatures = String(collection.features.length);
    el.dataset.projectsTruncated = collection.next ? "1" : "0";
    el.dataset.projectsReady = "1";
  }

  function setOn(value) {
    on = value;
    if (on) { layer.addTo(map); load(); } else { generation++; map.removeLayer(layer); delete el.dataset.projectsReady; }
  }

  var control = L.control({ position: "topright" });
  control.onAdd = function () {
    var div = UI.el("div", null, { "class": "legend projects-control", "data-testid": "projects-control" });
    var label = div.appendChild(UI.el("label"));
    var box = label.appendChild(UI.el("input", null, { type: "checkbox", name: "projects-layer" }));
    label.appendChild(document.createTextNode(" "));
    label.appendChild(UI.el("strong", T.layer));
    var extra = div.appendChild(UI.el("div", null, { "class": "projects-options" }));
    extra.hidden = true;
    statusSelect = extra.appendChild(UI.el("select", null, { name: "projects-status", "aria-label": T.status }));
    statusSelect.appendChild(UI.el("option", T.allStatuses, { value: "" }));
    var key = extra.appendChild(UI.el("ul", null, { "class": "projects-key" }));
    Object.keys(C.statuses).forEach(function (k) {
      statusSelect.appendChild(UI.el("option", C.statuses[k], { value: k }));
      var swatch = UI.el("i", null, { "aria-hidden": "true" });
      swatch.style.background = STATUS_COLOURS[k] || "#666";
      swatch.style.borderRadius = "50%";
      var li = key.appendChild(UI.el("li"));
      li.appendChild(swatch);
      li.appendChild(document.createTextNode(C.statuses[k]));
    });
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    box.addEventListener("change", function () { extra.hidden = !box.checked; setOn(box.checked); });
    statusSelect.addEventListener("change", load);
    return div;
  };
  control.addTo(map);

  map.on("moveend", load);
  form.addEventListener("change", load);
})();
