// Province comparison page: a choropleth of districts or communes by the chosen measure, the figures on
// hover and the time they are as of; click units to compare them side by side (table and SVG bar chart);
// the Lorenz curve of investment across communes; exports of the layer (GeoJSON) and the table (Excel).
// Districts come as GeoJSON; communes as vector tiles (Leaflet.VectorGrid, from npm, served locally).
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
  function fmt(v) { return UI.number(v, 3); }
  function pct(v) { return v === null || v === undefined ? "—" : UI.percent(v * 100, 1); }
  function when(iso) {
    if (!iso) { return T.never; }
    var d = new Date(iso);
    var p = function (n) { return String(n).padStart(2, "0"); };
    return p(d.getDate()) + "/" + p(d.getMonth() + 1) + "/" + d.getFullYear() + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }
  var esc = UI.escape;  // the HTML strings below (SVG, tables) carry data only through esc; the map tooltip is a node

  function params(extra) {
    var data = new FormData(form), q = new URLSearchParams();
    data.forEach(function (v, k) { if (v !== "") { q.set(k, v); } });
    Object.keys(extra || {}).forEach(function (k) { q.set(k, extra[k]); });
    return q;
  }

  // Money in millions of VND, as the PNG writes it (province.labels.millions): no decimals from 100
  // million up, one from 1, two below; Vietnamese groups thousands with "." and marks decimals with ",".
  function millions(vnd) {
    if (vnd === null || vnd === undefined) { return "—"; }
    var size = Math.abs(vnd / 1e6);
    return UI.millions(vnd, size >= 100 ? 0 : size >= 1 ? 1 : 2);
  }

  // Colours come with the layer: each feature's `class` and the collection's `legend` (the classes are
  // decided once, in province.selectors, for this page and the PNG alike).
  function classColour(collection, p) {
    var c = p["class"];
    return c === null || c === undefined ? collection.legend.no_data.colour : collection.legend.classes[c].colour;
  }

  // "1.234,5 triệu đồng"; a missing figure (no population) is a dash without a unit.
  function money(vnd, unit) { return vnd === null || vnd === undefined ? "—" : millions(vnd) + " " + esc(unit); }

  function amount(vnd, unit) { return vnd === null || vnd === undefined ? "—" : millions(vnd) + " " + unit; }  // as text

  function tooltip(p) {
    var money = amount, br = function () { return document.createElement("br"); };
    return UI.tip(
      UI.el("strong", p.name), " (" + p.code + ")", br(),
      T.total + ": " + money(p.total_investment, T.millionVnd), br(),
      T.planned + ": " + millions(p.planned) + " · " + T.allocated + ": " + money(p.allocated, T.millionVnd), br(),
      T.disbursed + ": " + money(p.disbursed, T.millionVnd), br(),
      T.perResident + ": " + money(p.per_resident, T.millionPerResident), br(),
      T.perKm2 + ": " + money(p.per_km2, T.millionPerKm2), br(),
      T.projects + ": " + fmt(p.project_count) + (p.progress !== null ? " · " + T.progress + ": " + UI.percent(p.progress) : "")
    );
  }

  function legendRange(c) {
    var low = millions(c.min), high = millions(c.max);
    return low === high ? low : low + " – " + high;
  }

  // The legend as the layer gives it: class bounds in millions (per resident or per km² as the measure
  // says) and how many units fall in each; empty classes (repeated breaks) are left out, as in the PNG.
  function drawLegend(collection) {
    if (legend) { map.removeControl(legend); }
    legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "legend");
      div.setAttribute("data-testid", "legend");
      var html = "<strong>" + esc(config.measures[collection.measure]) + "</strong><br><small>(" +
        esc(config.measureUnits[collection.measure]) + ")</small><br>";
      collection.legend.classes.forEach(function (c) {
        if (!c.count) { return; }
        html += '<i style="background:' + esc(c.colour) + '"></i>' + legendRange(c) + " (" + c.count + ")<br>";
      });
      html += '<i style="background:' + esc(collection.legend.no_data.colour) + '"></i>' + esc(T.noData) + " (" + collection.legend.no_data.count + ")";
      div.innerHTML = html;
      return div;
    };
    legend.addTo(map);
  }

  // Every page of the layer: the first carries the legend and the as-of time, the next ones more features.
  async function fetchLayer(url) {
    var response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) { return { error: await response.json() }; }
    var collection = await response.json(), next = collection.next;
    while (next) {
      var more = await fetch(next, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!more.ok) { return { error: await more.json() }; }
      var page = await more.json();
      collection.features = collection.features.concat(page.features);
      next = page.next;
    }
    return collection;
  }

  // The exports follow the current choices: the whole layer as GeoJSON and the map as a PNG image.
  function setExportLinks(q) {
    document.getElementById("export-geojson").href = config.api + "investment-distribution.geojson?" + q.toString();
    document.getElementById("export-png").href = config.api + "investment-distribution.png?" + q.toString();
  }

  function unitStyle(collection, p) {
    var on = selected.indexOf(p.code) >= 0;
    return { className: "unit-shape", color: on ? "#111" : "#555", weight: on ? 3 : 1, fill: true,
             fillColor: classColour(collection, p), fillOpacity: 0.8 };
  }

  // Districts: the GeoJSON layer. Communes: vector tiles cut by PostGIS (the country has over ten thousand),
  // coloured by the `class` each feature carries; the first GeoJSON page (one feature) gives the legend,
  // the number of units and the as-of time.
  function drawTiles(collection, q) {
    var name = "investment-distribution-communes", styles = {};
    q.delete("level");
    styles[name] = function (p) { return unitStyle(collection, p); };
    var grid = L.vectorGrid.protobuf(config.tiles + "?" + q.toString(), {
      rendererFactory: L.svg.tile, vectorTileLayerStyles: styles, interactive: true, maxNativeZoom: 14,
      getFeatureId: function (f) { return f.properties.code; },
      fetchOptions: { credentials: "same-origin" },
    });
    grid.on("mouseover", function (e) { map.openTooltip(tooltip(e.layer.properties), e.latlng); });
    grid.on("mouseout", function () { map.eachLayer(function (l) { if (l instanceof L.Tooltip) { map.closeTooltip(l); } }); });
    grid.on("click", function (e) { toggle(e.layer.properties.code, e.layer.properties); });
    grid.on("load", function () { el.dataset.tiles = "1"; });
    grid.restyle = function () {
      Object.keys(grid.styled || {}).forEach(function (code) { grid.resetFeatureStyle(code); });
      grid.styled = {};
      selected.forEach(function (code) {
        grid.setFeatureStyle(code, unitStyle(collection, { code: code, "class": (grid.classes || {})[code] }));
        grid.styled[code] = true;
      });
    };
    return grid;
  }

  async function load() {
    el.dataset.ready = "0";
    el.dataset.tiles = "0";
    var q = params();
    setExportLinks(q);
    var byTiles = q.get("level") === "commune";
    var collection;
    if (byTiles) {
      var first = await fetch(config.api + "investment-distribution/?" + params({ page_size: 1 }).toString(),
                              { credentials: "same-origin", headers: { Accept: "application/json" } });
      collection = first.ok ? await first.json() : { error: await first.json() };
    } else {
      collection = await fetchLayer(config.api + "investment-distribution/?" + params({ page_size: 5000 }).toString());
    }
    if (collection.error) {
      // The refusal as words ("year: …"), never raw JSON.
      var flat = UI.flattenErrors(collection.error);
      document.getElementById("flash").textContent = Object.keys(flat).map(function (k) { return (k === "detail" ? "" : k + ": ") + flat[k]; }).join(" ");
      return;
    }
    if (layer) { map.removeLayer(layer); }
    if (byTiles) {
      layer = drawTiles(collection, q).addTo(map);
    } else {
      layer = L.geoJSON(collection, {
        style: function (f) { return unitStyle(collection, f.properties); },
        onEachFeature: function (f, l) {
          l.bindTooltip(tooltip(f.properties), { sticky: true });
          l.on("click", function () { toggle(f.properties.code); });
          l.on("add", function () { if (l._path) { l._path.setAttribute("data-code", f.properties.code); l._path.setAttribute("fill", classColour(collection, f.properties)); } });
        },
      }).addTo(map);
      if (!fitted && collection.features.length) { map.fitBounds(layer.getBounds()); fitted = true; }
    }
    drawLegend(collection);
    document.getElementById("as-of").textContent = T.asOf + ": " + when(collection.refreshed_at);
    el.dataset.features = String(collection.count);
    el.dataset.level = collection.level;
    el.dataset.source = byTiles ? "tiles" : "geojson";
    el.dataset.ready = "1";
    loadEquity(q);
    renderComparison();
  }

  function toggle(code, properties) {
    var i = selected.indexOf(code);
    if (i >= 0) { selected.splice(i, 1); } else { selected.push(code); }
    if (layer && layer.restyle) {
      layer.classes = layer.classes || {};
      if (properties) { layer.classes[code] = properties["class"]; }
      layer.restyle();
    } else if (layer) { layer.setStyle(layer.options.style); }
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
    if (!response.ok) {
      var flat = UI.flattenErrors(data || { detail: "HTTP " + response.status });
      table.textContent = Object.keys(flat).map(function (k) { return (k === "detail" ? "" : k + ": ") + flat[k]; }).join(" ");
      return;
    }
    var units = data.units;
    // Money in millions of VND with its unit beside every figure, as on the map (it was whole đồng without a unit).
    var inMillions = function (unit) { return function (v) { return money(v, unit); }; };
    var rows = [
      [T.total, "total_investment", inMillions(T.millionVnd)], [T.planned, "planned", inMillions(T.millionVnd)],
      [T.allocated, "allocated", inMillions(T.millionVnd)], [T.disbursed, "disbursed", inMillions(T.millionVnd)],
      [T.disbursementRate, "disbursement_rate", pct], [T.progress, "progress", function (v) { return UI.percent(v); }],
      [T.projects, "project_count", fmt], [T.perResident, "per_resident", inMillions(T.millionPerResident)],
      [T.perKm2, "per_km2", inMillions(T.millionPerKm2)], [T.villageShare, "village_funded_share", pct],
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
        html += "<tr><td>" + esc(group[2][k]) + "</td>" + units.map(function (u) { return "<td>" + money(u[group[1]][k] || 0, T.millionVnd) + "</td>"; }).join("") + "</tr>";
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
    var unit = data.basis === "per_resident" ? T.millionPerResident : T.millionPerKm2;
    document.getElementById("gini").textContent = T.gini + " (" + T["basis_" + data.basis] + "): " +
      (data.gini === null ? "—" : UI.number(data.gini, 3, 3)) + " · " + T.median + ": " + (data.median === null || data.median === undefined ? "—" : millions(data.median) + " " + unit);
    document.getElementById("lorenz").innerHTML = lorenz(data.lorenz);
    var list = document.getElementById("far-below");
    list.innerHTML = data.far_below.length ? data.far_below.slice(0, 30).map(function (c) {
      return "<li>" + esc(c.name) + " (" + esc(c.code) + "): " + money(c.value, unit) + "</li>";
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
