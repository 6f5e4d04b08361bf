// Province comparison page: a choropleth of districts or communes by the chosen measure, the figures on
// hover and the time they are as of; click units to compare them side by side (table and SVG bar chart);
// the Lorenz curve of investment across communes; exports of the layer (GeoJSON) and the table (Excel).
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("compare-config").textContent);
  var T = config.text;
  var el = document.getElementById("compare-map");
  var form = document.getElementById("compare-filters");
  var map = PlanMaps.createMap("compare-map");
  // Other layers of the page (projects-layer.js) add themselves to this map and follow this form.
  window.ProvinceCompare = { map: map, form: form, config: config };
  var layer = null, legend = null, fitted = false;
  var selected = [];
  var COLOURS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];
  var NO_DATA = "#d9d9d9";
  var numberFormat = new Intl.NumberFormat(config.language === "en" ? "en-GB" : "vi-VN");

  function fmt(v) { return v === null || v === undefined ? "—" : numberFormat.format(v); }
  function pct(v) { return v === null || v === undefined ? "—" : (Math.round(v * 1000) / 10) + " %"; }
  function when(iso) {
    if (!iso) { return T.never; }
    var d = new Date(iso);
    var p = function (n) { return String(n).padStart(2, "0"); };
    return p(d.getDate()) + "/" + p(d.getMonth() + 1) + "/" + d.getFullYear() + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }
  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }

  function params(extra) {
    var data = new FormData(form), q = new URLSearchParams();
    data.forEach(function (v, k) { if (v !== "") { q.set(k, v); } });
    Object.keys(extra || {}).forEach(function (k) { q.set(k, extra[k]); });
    return q;
  }

  // Quantile breaks over the units that have a value; units without one (no population) are grey.
  function breaks(values) {
    var v = values.filter(function (x) { return x !== null; }).sort(function (a, b) { return a - b; });
    if (!v.length) { return []; }
    var out = [];
    for (var i = 1; i < COLOURS.length; i++) { out.push(v[Math.min(v.length - 1, Math.floor(i * v.length / COLOURS.length))]); }
    return out;
  }
  function colour(value, b) {
    if (value === null || value === undefined) { return NO_DATA; }
    var i = 0;
    while (i < b.length && value > b[i]) { i++; }
    return COLOURS[i];
  }

  function tooltip(p) {
    return "<strong>" + esc(p.name) + "</strong> (" + esc(p.code) + ")<br>" +
      T.total + ": " + fmt(p.total_investment) + " " + T.vnd + "<br>" +
      T.planned + ": " + fmt(p.planned) + " · " + T.allocated + ": " + fmt(p.allocated) + "<br>" +
      T.disbursed + ": " + fmt(p.disbursed) + "<br>" +
      T.perResident + ": " + fmt(p.per_resident) + " · " + T.perKm2 + ": " + fmt(p.per_km2) + "<br>" +
      T.projects + ": " + fmt(p.project_count) + (p.progress !== null ? " · " + T.progress + ": " + p.progress + " %" : "");
  }

  function drawLegend(b, measure) {
    if (legend) { map.removeControl(legend); }
    legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "legend");
      div.setAttribute("data-testid", "legend");
      var html = "<strong>" + esc(config.measures[measure]) + "</strong><br>";
      var lows = [0].concat(b);
      COLOURS.forEach(function (c, i) {
        if (i > b.length) { return; }
        var hi = i < b.length ? b[i] : null;
        html += '<i style="background:' + c + '"></i>' + fmt(lows[i]) + (hi !== null ? " – " + fmt(hi) : " +") + "<br>";
      });
      html += '<i style="background:' + NO_DATA + '"></i>' + esc(T.noData);
      div.innerHTML = html;
      return div;
    };
    legend.addTo(map);
  }

  async function load() {
    el.dataset.ready = "0";
    var q = params();
    var url = config.api + "investment-distribution/?" + q.toString();
    document.getElementById("export-geojson").href = config.api + "investment-distribution.geojson?" + q.toString();
    var response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      document.getElementById("flash").textContent = JSON.stringify(await response.json());
      return;
    }
    var collection = await response.json();
    var b = breaks(collection.features.map(function (f) { return f.properties.value; }));
    if (layer) { map.removeLayer(layer); }
    layer = L.geoJSON(collection, {
      style: function (f) {
        var on = selected.indexOf(f.properties.code) >= 0;
        return { className: "unit-shape" + (on ? " selected" : ""), color: on ? "#111" : "#555", weight: on ? 3 : 1,
                 fillColor: colour(f.properties.value, b), fillOpacity: 0.8 };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(tooltip(f.properties), { sticky: true });
        l.on("click", function () { toggle(f.properties.code); });
        l.on("add", function () { if (l._path) { l._path.setAttribute("data-code", f.properties.code); l._path.setAttribute("fill", colour(f.properties.value, b)); } });
      },
    }).addTo(map);
    if (!fitted && collection.features.length) { map.fitBounds(layer.getBounds()); fitted = true; }
    drawLegend(b, collection.measure);
    document.getElementById("as-of").textContent = T.asOf + ": " + when(collection.refreshed_at);
    el.dataset.features = String(collection.features.length);
    el.dataset.level = collection.level;
    el.dataset.ready = "1";
    loadEquity(q);
    renderComparison();
  }

  function toggle(code) {
    var i = selected.indexOf(code);
    if (i >= 0) { selected.splice(i, 1); } else { selected.push(code); }
    if (layer) { layer.setStyle(layer.options.style); }
    renderComparison();
  }

  async function renderComparison() {
    var table = document.getElementById("compare-table"), chart = document.getElementById("compare-chart");
    var xlsx = document.getElementById("export-xlsx");
    document.getElementById("compare-hint").textContent = selected.length < 2 ? T.pickTwo : "";
    if (selected.length < 2) { table.innerHTML = ""; chart.innerHTML = ""; xlsx.hidden = true; return; }
    var q = new URLSearchParams({ units: selected.join(",") });
    var year = form.elements.year.value;
    if (year) { q.set("year", year); }
    xlsx.href = config.api + "compare.xlsx?" + q.toString();
    xlsx.hidden = false;
    var response = await fetch(config.api + "compare/?" + q.toString(), { credentials: "same-origin" });
    var data = await response.json();
    if (!response.ok) { table.textContent = JSON.stringify(data); return; }
    var units = data.units;
    var rows = [
      [T.total, "total_investment", fmt], [T.planned, "planned", fmt], [T.allocated, "allocated", fmt],
      [T.disbursed, "disbursed", fmt], [T.disbursementRate, "disbursement_rate", pct], [T.progress, "progress", fmt],
      [T.projects, "project_count", fmt], [T.perResident, "per_resident", fmt], [T.perKm2, "per_km2", fmt],
      [T.villageShare, "village_funded_share", pct],
    ];
    var html = "<table data-testid='compare-table'><thead><tr><th>" + esc(T.unit) + "</th>" +
      units.map(function (u) { return "<th>" + esc(u.name) + "</th>"; }).join("") + "</tr></thead><tbody>";
    rows.forEach(function (r) {
      html += "<tr><td>" + esc(r[0]) + "</td>" + units.map(function (u) { return "<td>" + r[2](u[r[1]]) + "</td>"; }).join("") + "</tr>";
    });
    [[T.bySector, "by_sector", config.sectors], [T.bySource, "by_source", config.sources]].forEach(function (group) {
      html += "<tr><th colspan='" + (units.length + 1) + "'>" + esc(group[0]) + "</th></tr>";
      Object.keys(group[2]).forEach(function (k) {
        if (!units.some(function (u) { return u[group[1]][k]; })) { return; }
        html += "<tr><td>" + esc(group[2][k]) + "</td>" + units.map(function (u) { return "<td>" + fmt(u[group[1]][k] || 0) + "</td>"; }).join("") + "</tr>";
      });
    });
    table.innerHTML = html + "</tbody></table>";
    chart.innerHTML = barChart(units);
  }

  // Plain SVG: one pair of bars per unit, total investment and disbursed.
  function barChart(units) {
    var w = 360, rowH = 28, h = units.length * rowH + 10, left = 110;
    var max = Math.max.apply(null, units.map(function (u) { return u.total_investment; }).concat([1]));
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="' + h + '" role="img" data-testid="compare-chart">';
    units.forEach(function (u, i) {
      var y = 5 + i * rowH, tw = (w - left - 10) * u.total_investment / max, dw = (w - left - 10) * u.disbursed / max;
      svg += '<text x="0" y="' + (y + 12) + '">' + esc(u.name.slice(0, 18)) + "</text>" +
        '<rect x="' + left + '" y="' + y + '" width="' + tw + '" height="11" fill="#d94801"><title>' + esc(T.total) + ": " + fmt(u.total_investment) + "</title></rect>" +
        '<rect x="' + left + '" y="' + (y + 12) + '" width="' + dw + '" height="11" fill="#2171b5"><title>' + esc(T.disbursed) + ": " + fmt(u.disbursed) + "</title></rect>";
    });
    return svg + "</svg>";
  }

  async function loadEquity(q) {
    var eq = new URLSearchParams(q); eq.delete("level"); eq.delete("measure");
    var response = await fetch(config.api + "equity/?" + eq.toString(), { credentials: "same-origin" });
    if (!response.ok) { return; }
    var data = await response.json();
    document.getElementById("gini").textContent = T.gini + " (" + T["basis_" + data.basis] + "): " +
      (data.gini === null ? "—" : data.gini.toFixed(3)) + " · " + T.median + ": " + fmt(data.median) + " " + T.vnd;
    document.getElementById("lorenz").innerHTML = lorenz(data.lorenz);
    var list = document.getElementById("far-below");
    list.innerHTML = data.far_below.length ? data.far_below.slice(0, 30).map(function (c) {
      return "<li>" + esc(c.name) + " (" + esc(c.code) + "): " + fmt(c.value) + "</li>";
    }).join("") : "<li>" + esc(T.none) + "</li>";
  }

  function lorenz(points) {
    var s = 200, pad = 28;
    var xy = function (p) { return (pad + p[0] * s).toFixed(1) + "," + (pad + s - p[1] * s).toFixed(1); };
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + (s + 2 * pad) + '" height="' + (s + 2 * pad) + '" role="img" data-testid="lorenz">' +
      '<rect x="' + pad + '" y="' + pad + '" width="' + s + '" height="' + s + '" fill="none" stroke="#999"/>' +
      '<line x1="' + pad + '" y1="' + (pad + s) + '" x2="' + (pad + s) + '" y2="' + pad + '" stroke="#999" stroke-dasharray="4"/>' +
      '<polyline fill="none" stroke="#d94801" stroke-width="2" points="' + points.map(xy).join(" ") + '"/>' +
      '<text x="' + pad + '" y="' + (s + 2 * pad - 6) + '">' + esc(T.lorenzX) + "</text>" +
      '<text x="4" y="' + (pad - 8) + '">' + esc(T.lorenzY) + "</text></svg>";
  }

  form.addEventListener("change", load);
  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  load();
})();
