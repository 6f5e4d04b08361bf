// Commune M&E dashboard: indicators against target and activity progress as SVG bars, works on the map
// coloured by progress with the supervision findings and evidence photos, and the reporting status by period.
(async function () {
  "use strict";
  var config = JSON.parse(document.getElementById("me-config").textContent);
  var T = config.text;
  var mapEl = document.getElementById("me-map");
  var map = PlanMaps.createMap("me-map");
  window.meMap = map;  // monitoring/js/forms.js places an evidence photo with a click on it

  function date(iso) { return iso ? UI.date(iso) : ""; }  // the pages' one date rule (ui.js)

  async function getJSON(url) {
    var response = await UI.get(url, { headers: { Accept: "application/json" } });
    if (!response.ok) { throw new Error(url + " answered " + response.status); }
    return response.json();
  }

  function state(row) {
    var text = T[row.status] || row.status;
    return row.lateness ? text + " · " + (T[row.lateness] || row.lateness) : text;
  }

  var dashboard = await getJSON(config.api + "plans/" + config.mePlan + "/dashboard/");

  MECharts.bars(document.getElementById("indicator-chart"), dashboard.indicators.map(function (i) {
    return { label: i.name + " (" + i.unit + ")", percent: i.percent };
  }), { max: 150, target: 100, label: T.achieved });
  MECharts.bars(document.getElementById("activity-chart"), dashboard.activities.map(function (a) {
    return { label: a.title, percent: a.share_done === null ? null : Number(a.share_done) };
  }), { max: 100, label: T.share });

  // The commune's report of a period as Word and PDF, to sign (Decree 30 form, geo/documents.py).
  function documentLinks(td, base, period) {
    [["docx", "Word"], ["pdf", "PDF"]].forEach(function (kind) {
      td.appendChild(document.createTextNode(" · "));
      td.appendChild(UI.el("a", kind[1], { href: base + "." + kind[0], title: T.reportDocument + " · " + period, "data-testid": "report-document-" + kind[0] }));
    });
  }

  var tbody = document.querySelector("#reporting-table tbody");
  dashboard.reporting.forEach(function (row) {
    var tr = document.createElement("tr");
    [row.period.name, date(row.due_on), state(row)].forEach(function (text, i) {
      var td = document.createElement("td");
      td.textContent = text;
      if (i === 2) {
        td.className = "state-" + (row.lateness || row.status);
        if (row.report) { documentLinks(td, config.api + "reports/" + row.report + "/document", row.period.name); }
      }
      tr.appendChild(td);
    });
    var villages = document.createElement("td");
    (row.villages || []).forEach(function (v) {
      var chip = document.createElement("span");
      chip.className = "chip state-" + (v.lateness || v.status);
      chip.textContent = v.village_name;
      chip.title = v.village_name + ": " + state(v);
      villages.appendChild(chip);
    });
    tr.appendChild(villages);
    tbody.appendChild(tr);
  });

  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + config.district);
  var own = { type: "FeatureCollection", features: communes.features.filter(function (f) { return f.properties.code === config.commune; }) };
  var boundary = PlanMaps.unitLayer(own, { className: "commune-shape", color: "#8f1d21", weight: 1.5, fillOpacity: 0.03, interactive: false }, null, map).addTo(map);
  if (own.features.length) { PlanMaps.fit(map, boundary.getBounds()); }
  PlanMaps.legendFromPage(map, document.querySelector("[data-map-legend]"));

  var works = L.geoJSON(dashboard.works, {
    style: function (f) {
      return { className: "work-shape", color: MECharts.progressColour(f.properties.share_done), weight: 4, fillOpacity: 0.5 };
    },
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 8, className: "work-shape", fillColor: MECharts.progressColour(f.properties.share_done),
                                      color: "#222", weight: 1, fillOpacity: 0.9 });
    },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      layer.bindTooltip(UI.tip(p.title, ": ", p.share_done === null ? T.notStarted : UI.percent(p.share_done, 2),
                               p.findings ? " · " + T.findings + ": " + p.findings : ""), { sticky: true });
    },
  }).addTo(map);

  var findings = await PlanMaps.fetchFeatures(config.api + "findings/?page_size=5000&me_plan=" + config.mePlan);
  L.geoJSON(findings, {
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 6, className: "finding-marker", color: "#6a1b9a", weight: 2, fillOpacity: 0.2 });
    },
    onEachFeature: function (f, layer) {
      // Built with DOM calls: the board and the finding are typed by people. Its photos come from /d/<slug>/files/….
      layer.bindPopup(function () {
        var box = document.createElement("div"), head = document.createElement("b");
        head.textContent = T.findings;
        box.append(head, document.createElement("br"), f.properties.board + " · " + date(f.properties.found_on) + " ", f.properties.finding);
        box.appendChild(PlanFiles.gallery((f.properties.photos || []).map(function (url) { return { url: url, content_type: "image/", name: "" }; })));
        return box;
      });
    },
  }).addTo(map);

  var photos = await PlanMaps.fetchFeatures(config.api + "evidence/?page_size=5000&me_plan=" + config.mePlan);
  L.geoJSON(photos, {
    pointToLayer: function (f, latlng) {
      return L.circleMarker(latlng, { radius: 5, className: "photo-marker", color: "#1f6fb2", weight: 2, fillOpacity: 0.6 });
    },
    onEachFeature: function (f, layer) {
      var p = f.properties;
      layer.bindPopup(function () {
        var box = PlanFiles.gallery([{ url: p.url, content_type: p.content_type, name: p.caption || p.activity_title || T.photo }]);
        box.classList.add("evidence-popup");
        return box;
      });
    },
  }).addTo(map);
  if (!own.features.length && works.getLayers().length) { PlanMaps.fit(map, works.getBounds()); }
  mapEl.dataset.ready = "1";
})();
