// Public page: a district's published proposals on a map and in a table (no login).
(async function () {
  "use strict";
  var root = document.querySelector(".public-proposals");
  var labels = JSON.parse(document.getElementById("labels").textContent);
  var mapEl = document.getElementById("public-map");
  var map = PlanMaps.createMap("public-map");
  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + root.dataset.districtCode);
  var communeLayer = PlanMaps.unitLayer(communes, { className: "commune-shape", color: "#8f1d21", weight: 1.5, fillOpacity: 0.03 }, null, map).addTo(map);
  PlanMaps.key(map, [{ what: "commune", colour: "#8f1d21" }, { what: "proposal", colour: "#0b5cad", shape: "box" }]);
  PlanMaps.fit(map, communeLayer.getBounds());
  var layer = L.layerGroup().addTo(map);
  var select = document.getElementById("public-commune");

  async function load() {
    var url = "/d/" + root.dataset.district + "/api/public/proposals/?page_size=5000" + (select.value ? "&commune=" + select.value : "");
    var fc = await PlanMaps.fetchFeatures(url);
    layer.clearLayers();
    L.geoJSON(fc, {
      style: function () { return { className: "proposal-shape", color: "#0b5cad", weight: 3, fillOpacity: 0.35 }; },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { className: "proposal-shape", radius: 7, color: "#0b5cad", fillOpacity: 0.5 }); },
      onEachFeature: function (f, l) {
        l.bindTooltip(UI.tip(f.properties.title), { sticky: true });
        l.on("click", function () { showDetail(f.properties.id, f.properties.title); });
      },
    }).addTo(layer);
    var tbody = document.getElementById("public-rows");
    tbody.replaceChildren();
    fc.features.forEach(function (f) {
      var p = f.properties, tr = document.createElement("tr");
      [p.title + " · " + (labels.sectors[p.sector] || p.sector), p.village_name || p.source_name || "",
       UI.millions(p.estimated_cost),
       (labels.statuses[p.status] || p.status) + (p.decision_reason ? " (" + p.decision_reason + ")" : "")].forEach(function (text, i) {
        var td = document.createElement("td"); td.textContent = text; if (i === 2) { td.className = "num"; } tr.appendChild(td);
      });
      // The title is a link to the proposal's own page (photos, history, decision): the keyboard and a new tab reach it;
      // a plain click shows its photos beside the map first.
      var link = UI.el("a", tr.firstChild.textContent, { href: pageOf(p.id), "data-testid": "public-proposal-link" });
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey) { return; }
        event.preventDefault();
        showDetail(p.id, p.title);
      });
      tr.firstChild.replaceChildren(link);
      tbody.appendChild(tr);
    });
    mapEl.dataset.proposals = String(fc.features.length);
    mapEl.dataset.ready = "1";
  }
  function pageOf(id) { return "/d/" + root.dataset.district + "/public/proposals/" + id + "/"; }
  // A published proposal's photos and documents, on the public download route.
  async function showDetail(id, title) {
    var response = await UI.get("/d/" + root.dataset.district + "/api/public/proposals/" + id + "/attachments/");
    if (!response.ok) { return; }
    var panel = document.getElementById("proposal-detail");
    panel.querySelector("[data-part=title]").textContent = title;
    panel.querySelector("[data-part=link]").href = pageOf(id);
    panel.querySelector("[data-part=files]").replaceChildren(PlanFiles.gallery(await response.json(), { empty: labels.noFiles }));
    panel.dataset.proposal = String(id);
    panel.hidden = false;
  }
  select.addEventListener("change", load);
  await load();
})();
