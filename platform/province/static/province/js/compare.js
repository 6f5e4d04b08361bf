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
  var map = PlanMaps.createMap("compare-map", { source: T.source });
  // Other layers of the page (projects-layer.js) add themselves to this map and follow this form.
  window.ProvinceCompare = { map: map, form: form, config: config };
  var layer = null, fitted = false, labelLayers = {};
  var selected = [];
  function fmt(v) { return UI.number(v, 3); }
  function pct(v) { return v === null || v === undefined ? "—" : UI.percent(v * 100, 1); }
  function when(iso) {
    if (!iso) { return T.never; }
    return UI.moment(iso);  // Vietnam time whatever the browser's zone
  }
  var SVG = "http://www.w3.org/2000/svg";
  // An SVG element with its attributes (set one by one) and, if given, its text (as text, never markup).
  function svgEl(tag, attrs, text) {
    var n = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { n.setAttribute(k, attrs[k]); });
    if (text !== undefined) { n.textContent = String(text); }
    return n;
  }
  function clear(node) { node.replaceChildren(); return node; }

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

  // "1.234,5 triệu đồng" (text); a missing figure (no population) is a dash without a unit.
  function amount(vnd, unit) { return vnd === null || vnd === undefined ? "—" : millions(vnd) + " " + unit; }

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

  // The legend as the layer gives it (the map kit's legend): class bounds in millions (per resident or per km²
  // as the measure says) and how many units fall in each; empty classes are left out, as in the PNG.
  function drawLegend(collection) {
    PlanMaps.legend(map, {
      title: config.measures[collection.measure] + " · " + T["classification_" + (collection.classification || "quantiles")],
      unit: config.measureUnits[collection.measure],
      items: collection.legend.classes.filter(function (c) { return c.count; }).map(function (c) {
        return { colour: c.colour, label: legendRange(c), count: c.count };
      }),
      noData: { colour: collection.legend.no_data.colour, count: collection.legend.no_data.count },
    });
  }

  // Unit names where they fit: the districts' from the layer, the communes' (drawn from tiles) from the units API.
  async function drawLabels(level, collection) {
    Object.keys(labelLayers).forEach(function (k) { if (k !== level) { map.removeLayer(labelLayers[k]); } });
    if (!labelLayers[level]) {
      var units = level === "commune" ? await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000") : collection;
      labelLayers[level] = PlanMaps.labels(map, units, { minZoom: level === "commune" ? 11 : 9 });
    } else if (!map.hasLayer(labelLayers[level])) {
      labelLayers[level].addTo(map);
    }
  }

  // Every page of the layer: the first carries the legend and the as-of time, the next ones more features.
  async function fetchLayer(url) {
    var response = await UI.get(url, { headers: { Accept: "application/json" } });
    if (!response.ok) { return { error: await response.json() }; }
    var collection = await response.json(), next = collection.next;
    while (next) {
      var more = await UI.get(next, { headers: { Accept: "application/json" } });
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
      // Tiles carry codes, unit names and numbers, no label; the language only matters to a refusal.
      fetchOptions: { credentials: "same-origin", headers: UI.headers() },
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
      var first = await UI.get(config.api + "investment-distribution/?" + params({ page_size: 1 }).toString(),
                              { headers: { Accept: "application/json" } });
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
      if (!fitted && collection.features.length) { PlanMaps.fit(map, layer.getBounds()); fitted = true; }
    }
    drawLegend(collection);
    drawLabels(collection.level, collection);
    document.getElementById("as-of").textContent = T.asOf + ": " + when(collection.refreshed_at);
    el.dataset.features = String(collection.count);
    el.dataset.level = collection.level;
    el.dataset.drawnFrom = byTiles ? "tiles" : "geojson";  // how it was drawn (tests read it); data-source is the printed source
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
    if (selected.length < 2) { clear(table); clear(chart); xlsx.hidden = true; return; }
    var q = new URLSearchParams({ units: selected.join(",") });
    var year = form.elements.year.value;
    if (year) { q.set("year", year); }
    xlsx.href = config.api + "compare.xlsx?" + q.toString();
    xlsx.hidden = false;
    var response = await UI.get(config.api + "compare/?" + q.toString());
    var data = await response.json();
    if (!response.ok) {
      var flat = UI.flattenErrors(data || { detail: "HTTP " + response.status });
      table.textContent = Object.keys(flat).map(function (k) { return (k === "detail" ? "" : k + ": ") + flat[k]; }).join(" ");
      return;
    }
    var units = data.units;
    // Money in millions of VND with its unit beside every figure, as on the map (it was whole đồng without a unit).
    var inMillions = function (unit) { return function (v) { return amount(v, unit); }; };
    var rows = [
      [T.total, "total_investment", inMillions(T.millionVnd)], [T.planned, "planned", inMillions(T.millionVnd)],
      [T.allocated, "allocated", inMillions(T.millionVnd)], [T.disbursed, "disbursed", inMillions(T.millionVnd)],
      [T.disbursementRate, "disbursement_rate", pct], [T.progress, "progress", function (v) { return UI.percent(v); }],
      [T.projects, "project_count", fmt], [T.perResident, "per_resident", inMillions(T.millionPerResident)],
      [T.perKm2, "per_km2", inMillions(T.millionPerKm2)], [T.villageShare, "village_funded_share", pct],
    ];
    var t = UI.el("table", null, { "data-testid": "compare-table" }), head = UI.el("tr"), body = UI.el("tbody");
    head.appendChild(UI.el("th", T.unit));
    units.forEach(function (u) { head.appendChild(UI.el("th", u.name)); });
    t.appendChild(UI.el("thead")).appendChild(head);
    function row(label, cells) {
      var tr = body.appendChild(UI.el("tr"));
      tr.appendChild(UI.el("td", label));
      cells.forEach(function (c) { tr.appendChild(UI.el("td", c)); });
    }
    rows.forEach(function (r) { row(r[0], units.map(function (u) { return r[2](u[r[1]]); })); });
    [[T.bySector, "by_sector", config.sectors], [T.bySource, "by_source", config.sources]].forEach(function (group) {
      body.appendChild(UI.el("tr")).appendChild(UI.el("th", group[0], { colspan: String(units.length + 1) }));
      Object.keys(group[2]).forEach(function (k) {
        if (!units.some(function (u) { return u[group[1]][k]; })) { return; }
        row(group[2][k], units.map(function (u) { return amount(u[group[1]][k] || 0, T.millionVnd); }));
      });
    });
    t.appendChild(body);
    clear(table).appendChild(t);
    clear(chart).appendChild(barChart(units));
  }

  // Plain SVG, built node by node: one pair of bars per unit, total investment and disbursed.
  function barChart(units) {
    var w = 360, rowH = 28, h = units.length * rowH + 10, left = 110;
    var max = Math.max.apply(null, units.map(function (u) { return u.total_investment; }).concat([1]));
    var svg = svgEl("svg", { width: w, height: h, role: "img", "aria-label": T.barChart, "data-testid": "compare-chart" });
    units.forEach(function (u, i) {
      var y = 5 + i * rowH, tw = (w - left - 10) * u.total_investment / max, dw = (w - left - 10) * u.disbursed / max;
      svg.appendChild(svgEl("text", { x: 0, y: y + 12 }, u.name.slice(0, 18)));
      svg.appendChild(svgEl("rect", { x: left, y: y, width: tw, height: 11, fill: "#d94801" }))
        .appendChild(svgEl("title", {}, T.total + ": " + fmt(u.total_investment)));
      svg.appendChild(svgEl("rect", { x: left, y: y + 12, width: dw, height: 11, fill: "#2171b5" }))
        .appendChild(svgEl("title", {}, T.disbursed + ": " + fmt(u.disbursed)));
    });
    return svg;
  }

  async function loadEquity(q) {
    var eq = new URLSearchParams(q); eq.delete("level"); eq.delete("measure"); eq.delete("classification");
    var response = await UI.get(config.api + "equity/?" + eq.toString());
    if (!response.ok) { return; }
    var data = await response.json();
    var unit = data.basis === "per_resident" ? T.millionPerResident : T.millionPerKm2;
    document.getElementById("gini").textContent = T.gini + " (" + T["basis_" + data.basis] + "): " +
      (data.gini === null ? "—" : UI.number(data.gini, 3, 3)) + " · " + T.median + ": " + (data.median === null || data.median === undefined ? "—" : millions(data.median) + " " + unit);
    clear(document.getElementById("lorenz")).appendChild(lorenz(data.lorenz));
    var list = clear(document.getElementById("far-below"));
    (data.far_below.length ? data.far_below.slice(0, 30).map(function (c) {
      return c.name + " (" + c.code + "): " + amount(c.value, unit);
    }) : [T.none]).forEach(function (text) { list.appendChild(UI.el("li", text)); });
  }

  function lorenz(points) {
    var s = 200, pad = 28;
    var xy = function (p) { return (pad + p[0] * s).toFixed(1) + "," + (pad + s - p[1] * s).toFixed(1); };
    // Named for screen readers (axe: svg-img-alt); the Gini figure beside it describes it.
    var svg = svgEl("svg", { width: s + 2 * pad, height: s + 2 * pad, role: "img", "aria-label": T.lorenz, "aria-describedby": "gini", "data-testid": "lorenz" });
    svg.appendChild(svgEl("rect", { x: pad, y: pad, width: s, height: s, fill: "none", stroke: "#999" }));
    svg.appendChild(svgEl("line", { x1: pad, y1: pad + s, x2: pad + s, y2: pad, stroke: "#999", "stroke-dasharray": "4" }));
    svg.appendChild(svgEl("polyline", { fill: "none", stroke: "#d94801", "stroke-width": "2", points: points.map(xy).join(" ") }));
    svg.appendChild(svgEl("text", { x: pad, y: s + 2 * pad - 6 }, T.lorenzX));
    svg.appendChild(svgEl("text", { x: 4, y: pad - 8 }, T.lorenzY));
    return svg;
  }

  form.addEventListener("change", load);
  form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  load();
})();
