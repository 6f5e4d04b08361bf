// The district's investment projects: map and table with filters; for the Finance-Planning Office the project form
// (location drawn with Leaflet.draw, capital sources, communes served, allocations), status transitions and
// disbursements. Every call goes through the API; refusals are shown next to their fields, successes are said.
(async function () {
  "use strict";
  var config = JSON.parse(document.getElementById("project-config").textContent);
  var api = config.api;
  var text = config.text;
  var map = PlanMaps.createMap("project-map");
  var mapEl = document.getElementById("project-map");
  window.projectMap = map;

  var communes = await PlanMaps.fetchFeatures("/api/admin-units/?level=commune&page_size=5000&parent=" + config.district);
  var communeLayer = PlanMaps.unitLayer(communes, { className: "commune-shape", color: "#5a6b7b", weight: 1, fillOpacity: 0.02 }, null, map).addTo(map);
  PlanMaps.key(map, [{ what: "commune", colour: "#5a6b7b" }, { what: "project", colour: "#b45309" }]);
  if (communes.features.length) { PlanMaps.fit(map, communeLayer.getBounds()); }

  var projectLayer = L.geoJSON(null, {
    style: function () { return { className: "project-shape", color: "#b45309", weight: 4, fillOpacity: 0.3 }; },
    pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { className: "project-shape", radius: 7, color: "#b45309" }); },
    onEachFeature: function (f, layer) {
      layer.bindTooltip(UI.tip(f.properties.code, " · ", f.properties.name), { sticky: true });
      layer.on("click", function () { showProject(f.properties.id); });
    },
  }).addTo(map);

  // ---- list ------------------------------------------------------------------------------------------------------
  var filters = document.getElementById("project-filters");
  var params0 = new URLSearchParams(window.location.search);
  if (params0.get("plan")) { filters.elements.plan.value = params0.get("plan"); }
  var exportLink = document.getElementById("plan-export");
  async function load() {
    var params = new URLSearchParams(new FormData(filters));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    params.set("page_size", "5000");
    var fc = await PlanMaps.fetchFeatures(api + "investment-projects/?" + params.toString());
    projectLayer.clearLayers();
    projectLayer.addData(fc);
    var rows = document.getElementById("project-rows");
    rows.replaceChildren();
    fc.features.forEach(function (f) {
      var p = f.properties;
      var tr = UI.el("tr", null, { "data-id": p.id });
      tr.appendChild(UI.el("td", p.code));
      var name = UI.el("td", p.name, { class: "clickable", tabindex: "0" });
      name.addEventListener("click", function () { showProject(p.id); });
      name.addEventListener("keydown", function (e) { if (e.key === "Enter") { showProject(p.id); } });
      tr.appendChild(name);
      tr.appendChild(UI.el("td", config.statuses[p.status] || p.status, { class: "status-" + p.status }));
      tr.appendChild(UI.el("td", UI.millions(p.total_investment), { class: "num" }));
      rows.appendChild(tr);
    });
    if (!fc.features.length) { var empty = UI.el("tr"); empty.appendChild(UI.el("td", text.none, { colspan: "4" })); rows.appendChild(empty); }
    var plan = filters.elements.plan.value;
    exportLink.hidden = !plan;
    if (plan) { exportLink.querySelector("a").href = api + "investment-plans/" + plan + "/projects.xlsx"; }
    mapEl.dataset.projects = String(fc.features.length);
    mapEl.dataset.ready = "1";
  }
  filters.addEventListener("change", load);

  // ---- one project -----------------------------------------------------------------------------------------------
  var detail = document.getElementById("project-detail");
  var current = null;
  function list(part, items, render) {
    var ul = detail.querySelector("[data-part=" + part + "]");
    ul.replaceChildren.apply(ul, items.map(function (item) { return UI.el("li", render(item)); }));
  }
  async function showProject(id) {
    var result = await UI.send("GET", api + "investment-projects/" + id + "/");
    if (!result.ok) { UI.flash(UI.flattenErrors(result.data).detail || ("HTTP " + result.status), { error: true }); return; }
    current = result.data;
    var p = current.properties;
    UI.clearErrors(detail);
    detail.dataset.project = String(p.id);
    detail.dataset.status = p.status;
    detail.querySelector("[data-part=name]").textContent = p.code + " · " + p.name;
    detail.querySelector("[data-part=facts]").textContent = [p.status_label, p.investor, p.sector_label, p.group_label,
      UI.millions(p.total_investment) + " " + text.million, text.progress + ": " + UI.percent(p.physical_progress),
      p.communes.map(function (c) { return c.name; }).join(", ")].join(" · ");
    list("sources", p.sources, function (s) { return s.label + ": " + UI.millions(s.amount) + " " + text.million; });
    list("allocations", p.allocations, function (a) { return a.plan_name + " · " + a.year + " · " + a.label + ": " + UI.millions(a.amount) + " " + text.million; });
    list("disbursements", p.disbursements, function (d) { return UI.date(d.paid_on) + ": " + UI.millions(d.amount) + " " + text.million + (d.physical_progress !== null ? " · " + UI.percent(d.physical_progress, 0) : ""); });
    list("history", p.events, function (e) { return UI.date(e.at) + " · " + e.action_label + (e.actor ? " · " + e.actor.name : "") + (e.note ? " · " + e.note : ""); });
    var actions = detail.querySelector("[data-part=actions]");
    if (actions) {
      actions.replaceChildren();
      Object.keys(config.transitions).forEach(function (action) {
        if (config.from[action].indexOf(p.status) < 0) { return; }
        var b = UI.el("button", config.transitions[action], { type: "button", "data-action": action });
        b.addEventListener("click", function () { transition(action, b); });
        actions.appendChild(b);
      });
    }
    detail.hidden = false;
    layerOf(p.id, function (l) { map.fitBounds(l.getBounds ? l.getBounds() : L.latLngBounds([l.getLatLng()]), { maxZoom: 15 }); });
  }
  function layerOf(id, fn) { projectLayer.eachLayer(function (l) { if (l.feature.properties.id === id) { fn(l); } }); }

  async function transition(action, button) {
    var label = config.transitions[action];
    var payload = {};
    if (action === "suspend") {
      var reason = await UI.ask({ title: label, input: text.reason, confirm: label });
      if (!reason) { return; }
      payload.note = reason;
    } else if (!(await UI.ask({ title: text.ask.replace("%(action)s", label), confirm: label }))) {
      return;
    }
    button.disabled = true;
    UI.clearErrors(detail);
    var result = await UI.send("POST", api + "investment-projects/" + current.id + "/" + action + "/", payload);
    button.disabled = false;
    if (!result.ok) { UI.showErrors(detail, result.data, result.status); return; }
    UI.flash(text.moved);
    await load();
    await showProject(current.id);
  }

  if (!config.canManage) { await load(); return; }

  // ---- disbursements -----------------------------------------------------------------------------------------------
  var pay = document.getElementById("disbursement-form");
  pay.addEventListener("submit", async function (event) {
    event.preventDefault();
    UI.clearErrors(pay);
    var body = { paid_on: pay.elements.paid_on.value.trim(), amount: pay.elements.amount.value.trim(), note: pay.elements.note.value.trim() };
    if (pay.elements.physical_progress.value.trim() !== "") { body.physical_progress = pay.elements.physical_progress.value.trim(); }
    var result = await UI.send("POST", api + "investment-projects/" + current.id + "/disbursements/", body);
    if (!result.ok) { UI.showErrors(pay, result.data, result.status); return; }
    pay.reset();
    UI.flash(text.paid);
    await showProject(current.id);
  });

  // ---- the project form --------------------------------------------------------------------------------------------
  var editor = document.getElementById("project-editor");
  var form = document.getElementById("project-form");
  var drawn = new L.FeatureGroup().addTo(map);
  var geometry = null;
  var editing = null;
  var drawControl = new L.Control.Draw({
    edit: { featureGroup: drawn, remove: true },
    draw: { circle: false, rectangle: false, circlemarker: false, marker: true, polyline: true, polygon: { allowIntersection: false } },
  });
  function place(layer) { drawn.clearLayers(); drawn.addLayer(layer); geometry = layer.toGeoJSON().geometry; form.dataset.hasGeometry = "1"; }
  map.on(L.Draw.Event.CREATED, function (e) { place(e.layer); });
  map.on(L.Draw.Event.EDITED, function () { drawn.eachLayer(function (l) { geometry = l.toGeoJSON().geometry; }); });
  map.on(L.Draw.Event.DELETED, function () { geometry = null; delete form.dataset.hasGeometry; });

  function addRow(fieldset, values) {
    var row = fieldset.querySelector("template").content.firstElementChild.cloneNode(true);
    Object.keys(values || {}).forEach(function (k) { var input = row.querySelector("[name=" + k + "]"); if (input) { input.value = values[k]; } });
    fieldset.querySelector("[data-rows]").appendChild(row);
  }
  form.querySelectorAll(".rows-editor").forEach(function (fieldset) {
    fieldset.querySelector("[data-add]").addEventListener("click", function () { addRow(fieldset); });
  });
  function rows(name) {
    var out = [];
    form.querySelectorAll('[data-list="' + name + '"] [data-rows] .row').forEach(function (row) {
      var item = {}, filled = false;
      row.querySelectorAll("[name]").forEach(function (input) {
        var v = input.value.trim();
        if (input.tagName === "INPUT" && v !== "") { filled = true; }
        item[input.name] = input.name === "plan" || input.name === "year" ? (v === "" || isNaN(Number(v)) ? v : Number(v)) : v;
      });
      if (filled) { out.push(item); }
    });
    return out;
  }

  function openEditor(project) {
    editing = project;
    form.reset();
    UI.clearErrors(form);
    form.querySelectorAll("[data-rows]").forEach(function (r) { r.replaceChildren(); });
    drawn.clearLayers();
    geometry = null;
    delete form.dataset.hasGeometry;
    var sources = form.querySelector('[data-list="sources"]'), allocations = form.querySelector('[data-list="allocations"]');
    editor.querySelector("[data-part=title]").textContent = project ? text.edit + ": " + project.properties.code : text.new;
    form.querySelector("[data-part=reason]").hidden = !project;
    if (project) {
      var p = project.properties;
      ["code", "name", "investor", "manager", "sector", "group", "total_investment", "decision_number", "start_year", "end_year"].forEach(function (k) {
        form.elements[k].value = p[k] === null || p[k] === undefined ? "" : p[k];
      });
      form.elements.decision_date.value = p.decision_date ? UI.date(p.decision_date) : "";
      Array.from(form.elements.communes.options).forEach(function (o) { o.selected = p.communes.some(function (c) { return c.code === o.value; }); });
      p.sources.forEach(function (s) { addRow(sources, { source: s.source, amount: s.amount }); });
      p.allocations.forEach(function (a) { addRow(allocations, { plan: a.plan, year: a.year, source: a.source, amount: a.amount }); });
      place(L.geoJSON(project.geometry).getLayers()[0]);
    } else {
      addRow(sources);
      addRow(allocations);
    }
    if (!editor.dataset.drawing) { map.addControl(drawControl); editor.dataset.drawing = "1"; }
    editor.hidden = false;
    detail.hidden = true;
    editor.scrollIntoView({ block: "start" });
  }
  document.getElementById("new-project").addEventListener("click", function () { openEditor(null); });
  document.getElementById("edit-project").addEventListener("click", function () { openEditor(current); });
  document.getElementById("cancel-project").addEventListener("click", function () { editor.hidden = true; drawn.clearLayers(); });

  var save = form.querySelector("button[type=submit]");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (save.disabled) { return; }
    save.disabled = true;
    try { await saveProject(); } finally { save.disabled = false; }
  });
  async function saveProject() {
    UI.clearErrors(form);
    if (!geometry) { UI.showErrors(form, { geometry: [text.drawFirst] }); return; }
    var properties = {};
    ["code", "name", "investor", "manager", "sector", "group", "total_investment", "decision_number", "start_year", "end_year"].forEach(function (k) {
      var input = form.elements[k], v = input.value.trim();
      properties[k] = input.dataset.type === "int" ? (v === "" ? null : (isNaN(Number(v)) ? v : Number(v))) : v;
    });
    properties.decision_date = form.elements.decision_date.value.trim() || null;
    properties.communes = Array.from(form.elements.communes.selectedOptions).map(function (o) { return o.value; });
    properties.sources = rows("sources");
    properties.allocations = rows("allocations");
    if (editing) { properties.reason = form.elements.reason.value.trim(); }
    var url = api + "investment-projects/" + (editing ? editing.id + "/" : "");
    var result = await UI.send(editing ? "PATCH" : "POST", url, { type: "Feature", geometry: geometry, properties: properties });
    if (!result.ok) { UI.showErrors(form, result.data, result.status); return; }
    UI.flash(editing ? text.saved : text.created);
    editor.hidden = true;
    drawn.clearLayers();
    await load();
    await showProject(result.data.id);
  }

  await load();
  var asked = params0.get("project");
  if (asked) { await showProject(Number(asked)); }
})();
